// Built instead of the benchmark in Aspire mode (UseAspire=true): the benchmark drives the local-mode AppHost.
Console.Error.WriteLine("ChatBench starts the topology through the local-mode AppHost: run it with -p:UseAspire=false.");
return 2;
