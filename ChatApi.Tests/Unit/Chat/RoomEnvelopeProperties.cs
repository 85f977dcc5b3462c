using System.Text;
using ChatApi.Rooms;
using CsCheck;

namespace ChatApi.Tests.Unit.Chat;

/// <summary>The room channel's envelope: what one replica writes, every other reads back exactly; garbage is refused, never thrown.</summary>
public sealed class RoomEnvelopeProperties
{
    [Fact]
    public void What_is_written_is_read_back() =>
        Gen.Select(
            Gen.Long[1, long.MaxValue],
            Gen.Long[0, 253_402_300_799_999].Select(DateTimeOffset.FromUnixTimeMilliseconds),
            Gen.OneOf<string?>(null, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            Gen.Byte.Array[1, 2048],
            (id, sentAt, traceParent, frame) => (Id: id, SentAt: sentAt, TraceParent: traceParent, Frame: frame))
        .Sample(sample =>
        {
            var payload = RoomEnvelope.Write(sample.Id, sample.SentAt, sample.TraceParent, sample.Frame);

            Assert.True(RoomEnvelope.TryRead(payload, out var id, out var sentAt, out var traceParent, out var frame));
            Assert.Equal((sample.Id, sample.SentAt, sample.TraceParent), (id, sentAt, traceParent));
            Assert.Equal(sample.Frame, frame.ToArray());
        });

    [Fact]
    public void Garbage_is_refused_not_thrown() =>
        Gen.OneOf(
            Gen.Byte.Array[0, 256],
            Gen.String[0, 64].Select(text => Encoding.UTF8.GetBytes(text.Replace('|', '\n'))))
        .Sample(payload =>
        {
            if (RoomEnvelope.TryRead(payload, out var id, out _, out _, out var frame))
            {
                // Whatever passes has a positive id and a frame.
                Assert.True(id > 0);
                Assert.False(frame.IsEmpty);
            }
        });
}
