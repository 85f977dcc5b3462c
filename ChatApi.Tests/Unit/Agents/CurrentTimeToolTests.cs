using ChatApi.Agents.Tools;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Agents;

public sealed class CurrentTimeToolTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 15, 12, 30, 5, TimeSpan.Zero));

    [Fact]
    public void Without_a_zone_it_is_utc()
    {
        var now = new CurrentTimeTool(_time).Now();
        Assert.Equal("2026-01-15T12:30:05+00:00", now.Time);
        Assert.Equal("UTC", now.TimeZone);
    }

    [Theory]
    [InlineData("Europe/Paris", "2026-01-15T13:30:05+01:00")]
    [InlineData("America/New_York", "2026-01-15T07:30:05-05:00")]
    [InlineData("Asia/Kolkata", "2026-01-15T18:00:05+05:30")]
    public void Converts_to_iana_zones(string zone, string expected)
    {
        var now = new CurrentTimeTool(_time).Now(zone);
        Assert.Equal(expected, now.Time);
        Assert.Equal(zone, now.TimeZone);
    }

    [Fact]
    public void Follows_the_clock()
    {
        var tool = new CurrentTimeTool(_time);
        _time.Advance(TimeSpan.FromHours(200));
        Assert.Equal("2026-01-23T21:30:05+01:00", tool.Now("Europe/Paris").Time);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("Europe/Paris; rm -rf /")]
    [InlineData("Not a zone")]
    public void Unknown_zones_are_tool_errors(string zone)
    {
        var error = Assert.Throws<AgentToolException>(() => new CurrentTimeTool(_time).Now(zone));
        Assert.StartsWith("unknown time zone", error.Message);
    }
}
