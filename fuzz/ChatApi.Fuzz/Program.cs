using System.Net.WebSockets;
using ChatApi;
using ChatApi.Protocol;
using SharpFuzz;

namespace ChatApi.Fuzz;

/// <summary>
/// Feeds ChatApi's <see cref="ClientFrameParser"/> what libFuzzer generates and turns a broken invariant into a crash:
/// the parser throws, or closes with anything but 1007/1008/1009. With file or directory arguments it replays them
/// instead (a corpus, or a crash libFuzzer saved), without libFuzzer.
/// </summary>
public static class Program
{
    private static readonly ClientFrameParser Parser = new(new ChatApiOptions());

    public static void Main(string[] args)
    {
        if (args.Length > 0)
        {
            var files = args.SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories) : [path]).ToList();
            foreach (var file in files)
            {
                Check(File.ReadAllBytes(file));
            }

            Console.WriteLine($"{files.Count} inputs replayed, every one answered within the contract.");
            return;
        }

        Fuzzer.LibFuzzer.Run(input => Check(input.ToArray()));
    }

    private static void Check(byte[] input)
    {
        if (Parser.Parse(input) is ParseResult.Violation { Status: not (WebSocketCloseStatus.InvalidPayloadData or WebSocketCloseStatus.PolicyViolation or WebSocketCloseStatus.MessageTooBig) } violation)
        {
            throw new InvalidOperationException($"The parser closed with {violation.Status}, which is not a contract close code.");
        }
    }
}
