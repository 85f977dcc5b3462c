using ChatBench.Workload;

namespace ChatBench.Report;

/// <summary>Everything measured on one system.</summary>
internal sealed record SystemReport(
    string Name,
    string Title,
    string Notes,
    bool Acknowledges,
    IReadOnlyList<StepResult> Steps,
    StepResult? Peak,
    StepResult? HalfPeak,
    IdleMemoryResult Idle,
    IReadOnlyList<ConnectRateResult> Connects);
