import { el } from './dom.js';

const runsKept = 5;

/**
 * The assistant's runs as the person who asked sees them, live: the prompt, its thinking, each tool with its input
 * and output, then the answer or the error. Only the requester receives these events; everyone sees the answer as
 * a message from the assistant.
 */
export class AgentRunsView {
  #runs = new Map();

  constructor(room) {
    this.element = el('ol', { className: 'agent-runs', dataset: { room }, 'aria-label': `Assistant runs in ${room}` });
  }

  apply(frame) {
    const runId = typeof frame.runId === 'string' ? frame.runId : '';
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = this.#start(runId, frame.prompt);
    }

    switch (frame.type) {
      case 'agent_started':
        break;
      case 'agent_thinking':
        this.#step(run, 'thinking', 'Thinking', text(frame.text));
        break;
      case 'tool_executing':
        this.#step(run, 'tool', `Running ${text(frame.tool)}`, json(frame.input));
        break;
      case 'tool_completed':
        this.#step(
          run,
          frame.error === undefined ? 'tool-result' : 'tool-error',
          frame.error === undefined ? `${text(frame.tool)} returned` : `${text(frame.tool)} failed`,
          frame.error === undefined ? json(frame.output) : text(frame.error),
        );
        break;
      case 'agent_completed':
        run.item.classList.remove('running');
        if (frame.error === undefined) {
          run.item.classList.add('answered');
          this.#step(run, 'answer', 'Answer', text(frame.text));
        } else {
          run.item.classList.add('failed');
          this.#step(run, 'error', 'The assistant could not answer', text(frame.error));
        }
        break;
    }
  }

  /** A prompt the server refused before any run started (agent_busy, not_joined...). */
  refused(message) {
    const run = this.#start(`refused-${Date.now()}`, undefined);
    run.item.classList.remove('running');
    run.item.classList.add('failed');
    this.#step(run, 'error', 'The assistant could not start', message);
  }

  #start(runId, prompt) {
    const steps = el('ol', { className: 'steps' });
    const item = el(
      'li',
      { className: 'agent-run running', dataset: { runId } },
      el('p', { className: 'prompt' }, prompt === undefined ? 'Your question' : `You asked: ${text(prompt)}`),
      steps,
    );
    const run = { item, steps };
    this.#runs.set(runId, run);
    this.element.append(item);
    while (this.element.children.length > runsKept) {
      const oldest = this.element.firstElementChild;
      this.#runs.delete(oldest.dataset.runId);
      oldest.remove();
    }
    return run;
  }

  #step(run, kind, label, detail) {
    run.steps.append(el('li', { className: `step ${kind}` }, el('span', { className: 'label' }, `${label}: `), el('span', { className: 'detail' }, detail)));
  }
}

function text(value) {
  return typeof value === 'string' ? value : '';
}

function json(value) {
  return value === undefined ? '' : JSON.stringify(value);
}
