using System.Globalization;

namespace ChatBench.Report;

/// <summary>How the tables write numbers: invariant culture, thousands separated, n/a for what was not measured.</summary>
internal static class Numbers
{
    public static string Count(double value) =>
        double.IsFinite(value) ? value.ToString("#,0", CultureInfo.InvariantCulture) : "n/a";

    public static string Decimal(double value, string format = "0.0") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>"0.50×": ours ÷ a peer; n/a when either side is missing.</summary>
    public static string Ratio(double ours, double peer) =>
        double.IsFinite(ours) && double.IsFinite(peer) && peer != 0
            ? (ours / peer).ToString(ours / peer < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + "×"
            : "n/a";
}
