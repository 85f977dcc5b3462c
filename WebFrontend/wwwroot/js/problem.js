// Turns an HTTP answer from the front end (AuthService's problem+json, or the front end's own 503) into a sentence
// for people. Only the fields of RFC 9457 are read, and only as text.
export async function describeFailure(response, action) {
  let problem = {};
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      problem = await response.json();
    } catch {
      problem = {};
    }
  }

  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
  const wait = Number.isFinite(retryAfter) ? ` Try again in ${retryAfter} s.` : '';
  switch (response.status) {
    case 400:
      return validationText(problem) ?? `${action} failed: the request was not valid.`;
    case 429:
      return `${text(problem.detail) ?? 'Too many attempts.'}${wait}`;
    case 502:
    case 503:
    case 504:
      return `The service is unavailable right now (${response.status}).${wait || ' Try again in a few seconds.'}`;
    default:
      return text(problem.detail) ?? text(problem.title) ?? `${action} failed (${response.status}).`;
  }
}

export const unreachable = 'The server cannot be reached. Check your connection and try again.';

function validationText(problem) {
  if (problem.errors === null || typeof problem.errors !== 'object') {
    return text(problem.detail);
  }
  const messages = Object.values(problem.errors).flat().filter((message) => typeof message === 'string');
  return messages.length > 0 ? messages.join(' ') : text(problem.detail);
}

function text(value) {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 500) : undefined;
}
