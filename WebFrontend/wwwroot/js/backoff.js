// Reconnect delays: quick first retries (a restarted replica's sessions can move to another at once), then
// exponential with jitter up to 15 s, so a fleet of browsers does not come back in step.
const firstDelayMs = 500;
const maxDelayMs = 15_000;

export function backoffDelay(attempt) {
  const ceiling = Math.min(maxDelayMs, firstDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
