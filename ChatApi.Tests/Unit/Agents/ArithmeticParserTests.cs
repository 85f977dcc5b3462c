using ChatApi.Agents.Tools;

namespace ChatApi.Tests.Unit.Agents;

public sealed class ArithmeticParserTests
{
    [Theory]
    [InlineData("1 + 2", 3)]
    [InlineData("2 + 3 * 4", 14)]
    [InlineData("(2 + 3) * 4", 20)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("100 / 10 / 5", 2)]
    [InlineData("2 ^ 3 ^ 2", 512)]
    [InlineData("-2 ^ 2", -4)]
    [InlineData("(-2) ^ 2", 4)]
    [InlineData("2 ^ -1", 0.5)]
    [InlineData("--3", 3)]
    [InlineData("-(1 + 2) * 3", -9)]
    [InlineData("1.5 * 4", 6)]
    [InlineData(".5 + .25", 0.75)]
    [InlineData("  ((7))  ", 7)]
    [InlineData("2 * 3 ^ 2", 18)]
    [InlineData("8 / 2 * 4", 16)]
    public void Evaluates_with_precedence_and_associativity(string expression, double expected) =>
        Assert.Equal(expected, ArithmeticParser.Evaluate(expression), precision: 12);

    [Theory]
    [InlineData("")]
    [InlineData("1 +")]
    [InlineData("(1 + 2")]
    [InlineData("1 + 2)")]
    [InlineData("2 (3)")]
    [InlineData("1..2")]
    [InlineData("abc")]
    [InlineData("1 + x")]
    [InlineData("* 2")]
    public void Malformed_expressions_are_format_errors(string expression) =>
        Assert.Throws<FormatException>(() => ArithmeticParser.Evaluate(expression));

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("5 / (2 - 2)")]
    [InlineData("0 ^ -1")]
    public void Division_by_zero_is_reported(string expression) =>
        Assert.Throws<DivideByZeroException>(() => ArithmeticParser.Evaluate(expression));

    [Theory]
    [InlineData("10 ^ 400")]
    [InlineData("(-8) ^ 0.5")]
    public void Non_finite_results_are_reported(string expression) =>
        Assert.Throws<OverflowException>(() => ArithmeticParser.Evaluate(expression));

    [Fact]
    public void Hostile_nesting_and_length_are_refused_without_overflowing_the_stack()
    {
        Assert.Throws<FormatException>(() => ArithmeticParser.Evaluate(new string('(', 200) + "1" + new string(')', 200)));
        Assert.Throws<FormatException>(() => ArithmeticParser.Evaluate(new string('-', 200) + "1"));
        Assert.Throws<FormatException>(() => ArithmeticParser.Evaluate(string.Join("+", Enumerable.Repeat("1", 200))));
    }

    [Fact]
    public void The_tool_rounds_binary_noise_and_turns_errors_into_tool_errors()
    {
        Assert.Equal(0.3, CalculateTool.Calculate("0.1 + 0.2").Value);
        var error = Assert.Throws<AgentToolException>(() => CalculateTool.Calculate("1 / 0"));
        Assert.Equal("division by zero", error.Message);
        Assert.Throws<AgentToolException>(() => CalculateTool.Calculate("2 +"));
    }
}
