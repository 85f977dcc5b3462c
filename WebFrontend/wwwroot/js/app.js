import { AgentRunsView } from './agent.js';
import { AuthError, AuthSession } from './auth.js';
import { ChatConnection, State } from './connection.js';
import { byId, el } from './dom.js';
import { RoomView } from './room.js';

const roomsKey = 'chat.rooms';
const roomNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const maxTextLength = 4000;

const auth = new AuthSession();
const connection = new ChatConnection(auth);
const rooms = new Map();
let activeRoom = null;
let userId = null;

const ui = {
  status: byId('connection-status'),
  retryNow: byId('retry-now'),
  account: byId('account'),
  accountName: byId('account-name'),
  signOut: byId('sign-out'),
  signInView: byId('sign-in-view'),
  signInForm: byId('sign-in-form'),
  signInMessage: byId('sign-in-message'),
  username: byId('username'),
  password: byId('password'),
  chatView: byId('chat-view'),
  joinForm: byId('join-form'),
  joinRoom: byId('join-room'),
  joinError: byId('join-error'),
  roomList: byId('room-list'),
  roomTitle: byId('room-title'),
  panes: byId('message-panes'),
  agentPanes: byId('agent-panes'),
  agentForm: byId('agent-form'),
  agentPrompt: byId('agent-prompt'),
  composer: byId('composer'),
  composerText: byId('composer-text'),
  composerError: byId('composer-error'),
  announcer: byId('announcer'),
};

// ---- signing in and out ----

ui.signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const register = event.submitter?.value === 'register';
  const username = ui.username.value.trim();
  const password = ui.password.value;
  setBusy(ui.signInForm, true);
  showSignInMessage(register ? 'Creating your account…' : 'Signing in…', 'info');
  try {
    if (register) {
      await auth.register(username, password);
    }
    await auth.signIn(username, password);
  } catch (error) {
    showSignInMessage(error instanceof AuthError ? error.message : 'Something went wrong. Try again.', 'error');
    setBusy(ui.signInForm, false);
    // Back to the field most likely to need a change (a disabled field cannot take focus, hence after setBusy).
    ui.password.focus();
    return;
  }
  setBusy(ui.signInForm, false);
  ui.password.value = '';
  showSignInMessage('', 'info');
  enterChat();
});

ui.signOut.addEventListener('click', async () => {
  connection.stop();
  await auth.signOut();
  leaveChat('You signed out.', 'info');
});

ui.retryNow.addEventListener('click', () => connection.retryNow());

function enterChat() {
  ui.signInView.hidden = true;
  ui.chatView.hidden = false;
  ui.account.hidden = false;
  ui.accountName.textContent = auth.username ?? '';
  restoreRooms();
  connection.start();
  (activeRoom === null ? ui.joinRoom : ui.composerText).focus();
}

function leaveChat(message, kind) {
  for (const room of rooms.values()) {
    room.view.element.remove();
    room.agent.element.remove();
  }
  rooms.clear();
  activeRoom = null;
  userId = null;
  ui.roomList.replaceChildren();
  ui.roomTitle.textContent = 'No room yet';
  window.sessionStorage.removeItem(roomsKey);
  ui.chatView.hidden = true;
  ui.account.hidden = true;
  ui.signInView.hidden = false;
  showSignInMessage(message, kind);
  ui.username.focus();
}

function showSignInMessage(message, kind) {
  ui.signInMessage.textContent = message;
  ui.signInMessage.dataset.kind = kind;
}

// ---- the connection ----

connection.onState = (state, detail) => {
  const text = {
    [State.Idle]: 'Not connected',
    [State.Connecting]: 'Connecting…',
    [State.Live]: 'Live',
    [State.Reconnecting]: detail || 'Reconnecting…',
    [State.Ended]: 'Signed out',
  }[state];
  ui.status.textContent = text;
  ui.status.dataset.state = state;
  if (connection.lastCloseCode !== null) {
    ui.status.dataset.lastClose = String(connection.lastCloseCode);
  }
  ui.retryNow.hidden = state !== State.Reconnecting;
};

connection.onLive = (welcome) => {
  userId = typeof welcome.userId === 'string' ? welcome.userId : null;
  for (const room of rooms.values()) {
    room.view.userId = userId;
    room.view.ready = false;
    join(room);
  }
};

connection.onEnded = (message) => {
  auth.end();
  leaveChat(message, 'error');
};

connection.onFrame = (frame) => {
  const room = typeof frame.room === 'string' ? rooms.get(frame.room) : undefined;
  switch (frame.type) {
    case 'joined':
      if (room !== undefined) {
        const recovered = room.view.applyJoined(frame, room.resuming);
        room.resuming = true;
        for (const message of recovered) {
          noticeMessage(room, message);
        }
        if (room === activeRoom) {
          room.view.scrollToEnd();
        }
      }
      break;
    case 'message':
      if (room !== undefined) {
        const nearEnd = room.view.isNearEnd();
        if (room.view.applyMessage(frame)) {
          noticeMessage(room, frame);
        }
        if (room === activeRoom && nearEnd) {
          room.view.scrollToEnd();
        }
      }
      break;
    case 'ack':
      for (const candidate of rooms.values()) {
        if (candidate.view.applyAck(frame.clientMsgId, frame.id)) {
          break;
        }
      }
      break;
    case 'history':
      room?.view.applyHistory(frame);
      break;
    case 'error':
      handleError(frame);
      break;
    case 'agent_started':
    case 'agent_thinking':
    case 'tool_executing':
    case 'tool_completed':
    case 'agent_completed':
      room?.agent.apply(frame);
      break;
  }
};

function handleError(frame) {
  const message = typeof frame.message === 'string' ? frame.message : String(frame.code ?? 'error');
  for (const room of rooms.values()) {
    if (room.view.applySendError(frame.ref, frame.code, message)) {
      return;
    }
  }
  if (frame.ref === 'agent') {
    activeRoom?.agent.refused(message);
  } else if (frame.ref === 'join') {
    // The server refused a join (too many rooms...): forget the rooms that never joined.
    for (const room of [...rooms.values()].filter((candidate) => !candidate.view.joined)) {
      removeRoom(room);
    }
    ui.joinError.textContent = message;
  } else if (frame.ref === 'history') {
    for (const room of rooms.values()) {
      room.view.loadingOlder = false;
    }
  }
}

// A message new to this page: count it as unread unless the reader is looking at its room; announce it if so.
function noticeMessage(room, message) {
  if (message.senderId === userId) {
    return;
  }
  if (room !== activeRoom || document.hidden) {
    room.unread++;
    renderRoomItem(room);
  } else {
    const sender = typeof message.sender === 'string' ? message.sender : 'someone';
    const text = typeof message.text === 'string' ? message.text.slice(0, 200) : '';
    ui.announcer.textContent = `${sender} in ${room.name}: ${text}`;
  }
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && activeRoom !== null) {
    activeRoom.unread = 0;
    renderRoomItem(activeRoom);
  }
});

// ---- rooms ----

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.joinRoom.value.trim();
  if (!roomNamePattern.test(name)) {
    ui.joinError.textContent = 'A room name is 1 to 64 letters, digits or _ . : - and starts with a letter or digit.';
    ui.joinRoom.focus();
    return;
  }
  ui.joinError.textContent = '';
  ui.joinRoom.value = '';
  const room = rooms.get(name) ?? addRoom(name);
  if (!room.view.joined) {
    join(room);
  }
  activate(room);
  saveRooms();
  ui.composerText.focus();
});

function addRoom(name) {
  const view = new RoomView(name);
  const agent = new AgentRunsView(name);
  const room = { name, view, agent, unread: 0, resuming: false, item: null };
  view.userId = userId;
  view.onSend = (frame) => connection.send(frame);
  view.onLoadOlder = () => loadOlder(room);
  view.element.hidden = true;
  agent.element.hidden = true;
  ui.panes.append(view.element);
  ui.agentPanes.append(agent.element);
  const button = el('button', { type: 'button', className: 'room' });
  button.addEventListener('click', () => {
    activate(room);
    ui.composerText.focus();
  });
  room.item = el('li', {}, button);
  ui.roomList.append(room.item);
  rooms.set(name, room);
  renderRoomItem(room);
  return room;
}

function removeRoom(room) {
  room.view.element.remove();
  room.agent.element.remove();
  room.item.remove();
  rooms.delete(room.name);
  if (activeRoom === room) {
    activeRoom = null;
    ui.roomTitle.textContent = 'No room yet';
  }
  saveRooms();
}

function join(room) {
  // After the first join, resume: everything after the last id seen, so nothing is missed and nothing repeats.
  const frame = room.resuming ? { type: 'join', room: room.name, since: room.view.lastId } : { type: 'join', room: room.name };
  connection.send(frame);
}

function activate(room) {
  activeRoom = room;
  for (const other of rooms.values()) {
    other.view.element.hidden = other !== room;
    other.agent.element.hidden = other !== room;
    renderRoomItem(other);
  }
  room.unread = 0;
  renderRoomItem(room);
  ui.roomTitle.textContent = room.name;
  room.view.scrollToEnd();
  saveRooms();
}

function renderRoomItem(room) {
  const button = room.item.firstElementChild;
  const children = [el('span', { className: 'name' }, room.name)];
  if (room.unread > 0) {
    children.push(el('span', { className: 'unread', 'aria-label': `${room.unread} unread` }, String(room.unread)));
  }
  button.replaceChildren(...children);
  if (room === activeRoom) {
    button.setAttribute('aria-current', 'true');
  } else {
    button.removeAttribute('aria-current');
  }
}

function loadOlder(room) {
  const before = room.view.firstId;
  if (!room.view.hasOlder || room.view.loadingOlder || before === null) {
    return;
  }
  if (connection.send({ type: 'history', room: room.name, before, limit: 50 })) {
    room.view.loadingOlder = true;
  }
}

function saveRooms() {
  window.sessionStorage.setItem(roomsKey, JSON.stringify({ rooms: [...rooms.keys()], active: activeRoom?.name ?? null }));
}

function restoreRooms() {
  let saved;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(roomsKey) ?? 'null');
  } catch {
    saved = null;
  }
  const names = Array.isArray(saved?.rooms) ? saved.rooms.filter((name) => typeof name === 'string' && roomNamePattern.test(name)) : [];
  for (const name of names) {
    addRoom(name);
  }
  const active = rooms.get(saved?.active) ?? rooms.values().next().value;
  if (active !== undefined) {
    activate(active);
  }
}

// ---- writing ----

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.composerText.value;
  if (activeRoom === null) {
    ui.composerError.textContent = 'Join a room first.';
    ui.joinRoom.focus();
    return;
  }
  if (text.trim().length === 0) {
    ui.composerError.textContent = 'Write a message first.';
    return;
  }
  if ([...text].length > maxTextLength) {
    ui.composerError.textContent = `A message is at most ${maxTextLength} characters.`;
    return;
  }
  ui.composerError.textContent = '';
  ui.composerText.value = '';
  activeRoom.view.send(text, newClientMsgId());
  ui.composerText.focus();
});

ui.composerText.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter starts a new line.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

ui.agentForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const prompt = ui.agentPrompt.value.trim();
  if (activeRoom === null || prompt.length === 0) {
    return;
  }
  if (connection.send({ type: 'agent', room: activeRoom.name, prompt })) {
    ui.agentPrompt.value = '';
  } else {
    activeRoom.agent.refused('Not connected; ask again once the status says Live.');
  }
});

function newClientMsgId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `c-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function setBusy(form, busy) {
  for (const control of form.querySelectorAll('button, input')) {
    control.disabled = busy;
  }
  form.setAttribute('aria-busy', String(busy));
}

// ---- start ----

if (auth.signedIn) {
  // A reload: the refresh token in sessionStorage brings the session back (the connection refreshes first).
  enterChat();
} else {
  ui.username.focus();
}
