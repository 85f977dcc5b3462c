using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary><c>calculate</c>: evaluates an arithmetic expression with <see cref="ArithmeticParser"/>.</summary>
public sealed class CalculateTool : IAgentTool
{
    public const string ToolName = "calculate";

    private readonly AIFunction _function = AIFunctionFactory.Create(
        Calculate,
        new AIFunctionFactoryOptions
        {
            Name = ToolName,
            Description = "Evaluates an arithmetic expression with + - * / ^, parentheses and decimal numbers.",
            SerializerOptions = ToolJsonContext.FunctionOptions,
        });

    public string Name => ToolName;

    // Stateless: every run shares one function.
    public AIFunction CreateFunction(AgentToolScope scope) => _function;

    public static Calculation Calculate([Description("The expression, for example (2 + 3) * 4.5 ^ 2")] string expression)
    {
        double value;
        try
        {
            value = ArithmeticParser.Evaluate(expression);
        }
        catch (Exception exception) when (exception is FormatException or DivideByZeroException or OverflowException)
        {
            throw new AgentToolException(exception.Message, exception);
        }

        // 15 significant digits: 0.1 + 0.2 is 0.3, not binary noise.
        var rounded = double.Parse(value.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return new Calculation(expression.Trim(), rounded == 0 ? 0 : rounded);
    }

    public sealed record Calculation(string Expression, double Value);
}
