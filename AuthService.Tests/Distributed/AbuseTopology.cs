namespace AuthService.Tests.Distributed;

/// <summary>
/// A topology of its own for the abuse tests (floods, concurrent guessing, a frozen Redis), so their load and
/// counters touch no other test; with one ChatApi replica, to see that chat connections survive a login flood. The
/// registration limit is the production default (the shared topologies raise it: their tests register hundreds of
/// users from one loopback address).
/// </summary>
public sealed class AbuseTopology : TopologyFixture
{
    public const int RegistrationLimit = 20;

    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment =
        {
            ["authservice"] = new(StringComparer.Ordinal)
            {
                ["Auth__Throttling__RegistrationLimit"] = RegistrationLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        },
    };
}
