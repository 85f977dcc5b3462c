using ChatApi.Agents.Models;

namespace ChatApi.Tests.Unit.Agents;

public sealed class LocalPlannerTests
{
    private static readonly string[] AllTools = ["calculate", "current_time", "search_history", "wait"];

    [Theory]
    [InlineData("what is 2 + 3 * 4?", "calculate", "expression", "2 + 3 * 4")]
    [InlineData("(1+2)/3 please", "calculate", "expression", "(1+2)/3")]
    [InlineData("calculate 2 +", "calculate", "expression", "2 +")]
    [InlineData("Compute: 7 / 0", "calculate", "expression", "7 / 0")]
    [InlineData("how much is 2^10", "calculate", "expression", "2^10")]
    [InlineData("what time is it?", "current_time", null, null)]
    [InlineData("What's the date today", "current_time", null, null)]
    [InlineData("what time is it in Europe/Paris?", "current_time", "timeZone", "Europe/Paris")]
    [InlineData("time in America/Argentina/Buenos_Aires", "current_time", "timeZone", "America/Argentina/Buenos_Aires")]
    [InlineData("what time is it in UTC", "current_time", "timeZone", "UTC")]
    [InlineData("search for deploy", "search_history", "term", "deploy")]
    [InlineData("find \"release notes\" from last week", "search_history", "term", "release notes")]
    [InlineData("What did we say about the migration?", "search_history", "term", "the migration")]
    [InlineData("wait 5", "wait", "seconds", 5)]
    public void Picks_the_tool_and_its_argument(string prompt, string tool, string? argument, object? value)
    {
        var plan = LocalPlanner.Plan(prompt, AllTools);

        Assert.Equal(tool, plan.Tool);
        Assert.False(string.IsNullOrWhiteSpace(plan.Thinking));
        if (argument is null)
        {
            Assert.Empty(plan.Arguments);
        }
        else
        {
            Assert.Equal(value, Assert.Contains(argument, plan.Arguments));
        }
    }

    [Theory]
    [InlineData("hello there")]
    [InlineData("summarise the room")]
    [InlineData("room 5 is free")]
    [InlineData("wait 5 minutes for me")]
    public void Answers_from_the_room_when_no_rule_fits(string prompt) =>
        Assert.Null(LocalPlanner.Plan(prompt, AllTools).Tool);

    [Fact]
    public void Only_offered_tools_are_planned()
    {
        Assert.Null(LocalPlanner.Plan("wait 5", ["calculate", "current_time", "search_history"]).Tool);
        Assert.Null(LocalPlanner.Plan("2 + 2", ["current_time"]).Tool);
        Assert.Equal("calculate", LocalPlanner.Plan("search 2 + 2", ["calculate"]).Tool);
    }

    [Fact]
    public void Is_deterministic()
    {
        var first = LocalPlanner.Plan("what is (4 + 4) / 2 at this time", AllTools);
        var second = LocalPlanner.Plan("what is (4 + 4) / 2 at this time", AllTools);
        Assert.Equal(first.Tool, second.Tool);
        Assert.Equal(first.Thinking, second.Thinking);
        Assert.Equal(first.Arguments, second.Arguments);
    }
}
