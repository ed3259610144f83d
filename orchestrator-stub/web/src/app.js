// The demo page: joins ?room= with ?token= over the signaling WebSocket (docs/signaling.md),
// publishes camera and microphone when the token allows it, and shows every other peer's media
// with an overlay (layers, scores, bitrate and a 30 s bitrate chart) fed by the relayed worker
// events and the browser's own getStats. One card per peer, labelled with its user name (from its
// join token): its camera as a video tile, its microphone as an audio element and a line of text
// (no black tile), an initial when it sends no video. A self view of the own camera; buttons to
// turn the camera off, mute the microphone (pauseProducer) and leave; a "Start audio" button
// when the browser's autoplay policy blocks playback until the user clicks.
//
// Query: room, token; audio=0 / video=0 leave one out; codec=vp8|vp9|h264 picks the video codec;
// simulcast=1 sends three encodings (r0/r1/r2 at 1/4, 1/2 and full resolution of 1280x720);
// svc=<scalability mode> (e.g. L3T3_KEY, with codec=vp9) sends one SVC encoding of a 1280x720 capture.
// A chat box over DataChannels (chat.js).
// window.sluice exposes state, timings and statistics for the browser tests.
// On a `reconnect` notification (the room's router went away, docs/signaling.md) the page drops its
// transports and joins again on the same WebSocket, re-producing the same tracks and consuming
// the room's producers anew, without a reload. When the WebSocket itself drops (the signaling
// server restarted), the page opens a new one with backoff and resumes its session with the
// resume token of its join: its transports never stopped, so the media does not either.
import { Device } from 'mediasoup-client';
import { createChat } from './chat.js';

const params = new URLSearchParams(location.search);
const statusLine = document.getElementById('status');
const videos = document.getElementById('videos');
const selfCard = document.getElementById('self');
const buttons = {
  camera: document.getElementById('camera'),
  mic: document.getElementById('mic'),
  leave: document.getElementById('leave'),
  startAudio: document.getElementById('start-audio'),
};
const CHART_SECONDS = 30;
const SIMULCAST_ENCODINGS = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1500000 },
];

const state = {
  peerId: null,
  joinStartedAt: 0,
  firstFrameAt: 0,
  errors: [],
  /** Every notification received, in order: {method, data}. */
  notifications: [],
  /** consumerId -> {consumer, peerId, type, score, layers, producerPaused, tile, ...}. */
  consumers: new Map(),
  producers: [],
  producerScores: new Map(),
  transportStates: new Map(),
  consume: null,
  /** Every reconnect: {reason, at (performance.now()), rejoinedAt}. */
  reconnects: [],
  userId: null,
  /** What the user turned off: kept across reconnects (the new producers start paused). */
  muted: { audio: false, video: false },
  /** An audio element's play() was refused until a user gesture (autoplay policy). */
  audioBlocked: false,
  left: false,
  /** The peer whose audio dominates the room (dominantSpeaker notification), null before one. */
  dominantPeerId: null,
  /** Every lost WebSocket: {at, resumedAt, how: 'resumed' | 'rejoined'}. */
  signalingDrops: [],
  /** The longest time without a new decoded video frame since the last markFrameGap(), in ms. */
  longestFrameGapMs: 0,
  /** What createWebRtcTransport answered for the transports of the current join. */
  transportOptions: [],
};
/** peerId -> {card, tiles, audioInfo, userId}: the other peers' cards. */
const peerCards = new Map();
/** {peerId, resumeToken} of the current join, for resuming on a new WebSocket. */
let session = null;
/** The camera and microphone, captured once and sent again after every reconnect. */
let localTracks = null;
/** The mediasoup-client transports of the current join. */
let transports = [];
/** newProducer notifications that arrive before the receive transport of a join exists. */
let pendingProducers = [];
/** Counts the joins: what a join left unfinished when the room moved is not an error of the page. */
let roomGeneration = 0;
let signaling = null;
const chat = createChat({ request: (method, data) => signaling.request(method, data), fail });

/** A consumer's stats; none once it closed (a reconnect may close it meanwhile). */
function statsOf(consumer) {
  return consumer.closed ? Promise.resolve(new Map()) : consumer.getStats().catch(() => new Map());
}

/** Sums a field of the inbound-rtp entries of the consumers of one kind. */
async function inboundSum(kind, field) {
  let sum = 0;
  for (const { consumer } of state.consumers.values()) {
    if (consumer.kind !== kind || consumer.closed) continue;
    (await statsOf(consumer)).forEach((s) => {
      if (s.type === 'inbound-rtp') sum += s[field] || 0;
    });
  }
  return sum;
}

window.sluice = {
  state,
  framesDecoded: () => inboundSum('video', 'framesDecoded'),
  audioPacketsReceived: () => inboundSum('audio', 'packetsReceived'),
  /** Join request sent to first video frame shown, in ms (0 until then). */
  joinToFirstFrameMs: () => (state.firstFrameAt ? Math.round(state.firstFrameAt - state.joinStartedAt) : 0),
  /** The largest frameWidth any video consumer receives now. */
  async frameWidth() {
    let width = 0;
    for (const { consumer } of state.consumers.values()) {
      if (consumer.kind !== 'video' || consumer.closed) continue;
      (await statsOf(consumer)).forEach((s) => {
        if (s.type === 'inbound-rtp') width = Math.max(width, s.frameWidth || 0);
      });
    }
    return width;
  },
  /** The peer ids of the cards outlined as speaking ('self' for this browser's own). */
  speakingCards: () => [...document.querySelectorAll('.peer.speaking')]
    .map((element) => (element === selfCard ? 'self' : element.dataset.peerId)),
  notified: (method) => state.notifications.filter((n) => n.method === method).map((n) => n.data),
  setPreferredLayers: (consumerId, spatialLayer, temporalLayer) =>
    signaling.request('setPreferredLayers', { consumerId, spatialLayer, temporalLayer }),
  async closeProducer(kind) {
    const producer = state.producers.find((p) => p.kind === kind && !p.closed);
    producer.close();
    await signaling.request('closeProducer', { producerId: producer.id });
  },
  leave: () => leaveRoom(),
  setMuted: (kind, muted) => setMuted(kind, muted),
  request: (method, data) => signaling.request(method, data),
  /** DataChannels: {data: {producers, consumers, messages}, produce(options), closeProducer(id)}. */
  data: chat,
  /** Starts measuring state.longestFrameGapMs afresh. */
  markFrameGap() {
    state.longestFrameGapMs = 0;
    frameWatch = { frames: -1, at: performance.now() };
  },
};

/** Last decoded-frame count and when it last grew, sampled every 50 ms. */
let frameWatch = { frames: -1, at: 0 };
setInterval(async () => {
  const frames = await inboundSum('video', 'framesDecoded');
  const now = performance.now();
  if (frames > frameWatch.frames) {
    if (frameWatch.frames >= 0) state.longestFrameGapMs = Math.max(state.longestFrameGapMs, now - frameWatch.at);
    frameWatch = { frames, at: now };
  }
}, 50);

function status(text) {
  statusLine.textContent = text;
}

function fail(error) {
  if (error && error.signalingClosed) return; // the request died with its socket; the resume takes over
  state.errors.push(String(error && error.stack ? error.stack : error));
  status(`error: ${error}`);
  console.error(error);
}

/** Request/response over one WebSocket, with server notifications. */
class Signaling {
  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.onNotification = () => {};
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.response) {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.ok) waiting.resolve(message.data);
        else waiting.reject(Object.assign(new Error(`${message.error.code}: ${message.error.message}`),
          { code: message.error.code }));
      } else if (message.notification) {
        state.notifications.push({ method: message.method, data: message.data });
        this.onNotification(message.method, message.data);
      }
    });
    this.onClose = () => {};
    socket.addEventListener('close', () => {
      status('disconnected');
      for (const waiting of this.pending.values()) {
        const error = new Error('signaling closed');
        error.signalingClosed = true;
        waiting.reject(error);
      }
      this.pending.clear();
      this.onClose();
    });
  }

  static open(url) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new Signaling(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot open ${url}`)), { once: true });
    });
  }

  request(method, data = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ request: true, id, method, data }));
    });
  }
}

function connectOnDemand(transport) {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
}

/** Buttons choosing the spatial layer of a simulcast or SVC consumer (auto: the highest). */
function layerButtons(entry) {
  const bar = document.createElement('div');
  bar.className = 'layers';
  const choices = [['auto', 2], ['S0', 0], ['S1', 1], ['S2', 2]];
  for (const [label, spatialLayer] of choices) {
    const button = document.createElement('button');
    button.textContent = label;
    button.addEventListener('click', () => {
      signaling.request('setPreferredLayers', { consumerId: entry.consumer.id, spatialLayer })
        .then((layers) => { entry.preferred = layers; })
        .catch((error) => { entry.lastError = String(error); });
    });
    bar.append(button);
  }
  return bar;
}

/** The card of a peer, made on its first consumer: its name, its tiles and its audio line. */
function peerCard(peerId, userId) {
  let card = peerCards.get(peerId);
  if (card) return card;
  const element = document.createElement('section');
  element.className = 'peer';
  element.dataset.peerId = peerId;
  const name = userId || peerId.slice(0, 8);
  element.dataset.userId = name;
  const title = document.createElement('div');
  title.className = 'name';
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = name;
  title.append(label);
  const tiles = document.createElement('div');
  tiles.className = 'tiles';
  const avatar = document.createElement('div');
  avatar.className = 'avatar';
  avatar.textContent = name.slice(0, 1).toUpperCase();
  tiles.append(avatar);
  const audioInfo = document.createElement('div');
  audioInfo.className = 'audio-info';
  element.append(title, tiles, audioInfo);
  videos.append(element);
  card = { element, tiles, audioInfo, name };
  element.classList.toggle('speaking', peerId === state.dominantPeerId);
  peerCards.set(peerId, card);
  return card;
}

/** Outlines the dominant speaker's card (this browser's own when it speaks); the others lose theirs. */
function showDominantSpeaker(peerId) {
  state.dominantPeerId = peerId;
  selfCard.classList.toggle('speaking', peerId === state.peerId);
  for (const [id, card] of peerCards) card.element.classList.toggle('speaking', id === peerId);
}

/** Removes a peer's card once none of its consumers is left. */
function dropEmptyCard(peerId) {
  const card = peerCards.get(peerId);
  if (!card) return;
  const remaining = [...state.consumers.values()].filter((e) => e.peerId === peerId);
  card.element.classList.toggle('has-video', remaining.some((e) => e.consumer.kind === 'video'));
  if (remaining.length === 0) {
    card.element.remove();
    peerCards.delete(peerId);
  }
}

/** Plays an audio element; a refusal by the autoplay policy shows the "Start audio" button. */
function playAudio(media) {
  media.play().catch((error) => {
    if (error.name !== 'NotAllowedError') return;
    state.audioBlocked = true;
    buttons.startAudio.hidden = false;
  });
}

function videoTile(track, cameraOffText) {
  const tile = document.createElement('div');
  tile.className = 'tile';
  const media = document.createElement('video');
  media.autoplay = true;
  media.playsInline = true;
  media.muted = true;
  media.srcObject = new MediaStream([track]);
  const cameraOff = document.createElement('div');
  cameraOff.className = 'camera-off';
  cameraOff.textContent = cameraOffText;
  tile.append(media, cameraOff);
  return { tile, media };
}

function addTile(entry) {
  const { consumer, peerId } = entry;
  const card = peerCard(peerId, entry.userId);
  entry.name = card.name;
  if (consumer.kind === 'video') {
    const { tile, media } = videoTile(consumer.track, 'camera off');
    tile.dataset.peerId = peerId;
    tile.dataset.consumerId = consumer.id;
    const overlay = document.createElement('div');
    overlay.className = 'overlay';
    overlay.textContent = `video of ${card.name}`;
    const chart = document.createElement('canvas');
    chart.className = 'chart';
    chart.width = 150;
    chart.height = 40;
    tile.append(overlay, chart);
    entry.chart = chart;
    if (entry.type !== 'simple') tile.append(layerButtons(entry));
    const onFrame = () => {
      if (!state.firstFrameAt) state.firstFrameAt = performance.now();
    };
    if (media.requestVideoFrameCallback) media.requestVideoFrameCallback(onFrame);
    card.tiles.append(tile);
    card.element.classList.add('has-video');
    entry.tile = tile;
    entry.overlay = overlay;
  } else {
    // Audio has nothing to show: an element out of sight and a line of text on the card.
    const media = document.createElement('audio');
    media.autoplay = true;
    media.dataset.consumerId = consumer.id;
    media.srcObject = new MediaStream([consumer.track]);
    const line = document.createElement('div');
    line.textContent = `audio of ${card.name}`;
    card.audioInfo.append(line);
    card.element.append(media);
    playAudio(media);
    entry.tile = media;
    entry.overlay = line;
  }
  entry.kbpsHistory = [];
}

/** The own camera, mirrored, once it is captured. */
function showSelfView(tracks) {
  const video = tracks.find((t) => t.kind === 'video');
  selfCard.querySelector('.label').textContent = `you (${state.userId})`;
  const tiles = selfCard.querySelector('.tiles');
  tiles.replaceChildren();
  if (video) tiles.append(videoTile(video, 'camera off').tile);
  selfCard.hidden = false;
  updateControls();
}

function updateControls() {
  const kinds = new Set((localTracks || []).map((t) => t.kind));
  buttons.camera.disabled = state.left || !kinds.has('video');
  buttons.mic.disabled = state.left || !kinds.has('audio');
  buttons.leave.disabled = state.left || !state.peerId;
  buttons.camera.setAttribute('aria-pressed', String(state.muted.video));
  buttons.mic.setAttribute('aria-pressed', String(state.muted.audio));
  buttons.camera.textContent = state.muted.video ? 'Camera on' : 'Camera off';
  buttons.mic.textContent = state.muted.audio ? 'Unmute' : 'Mute';
  const selfTile = selfCard.querySelector('.tile');
  if (selfTile) selfTile.classList.toggle('paused', state.muted.video);
  const off = [state.muted.video && 'camera off', state.muted.audio && 'muted'].filter(Boolean);
  selfCard.querySelector('.state').textContent = off.join(' · ');
}

/** Pauses or resumes the producer of a kind, here and on the worker (its consumers are told). */
async function setMuted(kind, muted) {
  state.muted[kind] = muted;
  updateControls();
  for (const producer of state.producers) {
    if (producer.kind !== kind || producer.closed) continue;
    if (muted) producer.pause();
    else producer.resume();
    await signaling.request(muted ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }
}

/** Leaves the room: the worker closes this peer's transports; the camera and microphone stop. */
async function leaveRoom() {
  if (state.left) return;
  state.left = true;
  session = null;
  await signaling.request('leave');
  dropRoomState();
  for (const track of localTracks || []) track.stop();
  selfCard.hidden = true;
  buttons.startAudio.hidden = true;
  updateControls();
  status('left the room; reload the page to join again');
}

/** The last CHART_SECONDS of receive bitrate as a line, scaled to its maximum. */
function drawChart(entry) {
  const { chart, kbpsHistory } = entry;
  if (!chart) return;
  const g = chart.getContext('2d');
  g.clearRect(0, 0, chart.width, chart.height);
  g.fillStyle = 'rgba(0, 0, 0, .5)';
  g.fillRect(0, 0, chart.width, chart.height);
  const top = Math.max(100, ...kbpsHistory);
  g.strokeStyle = '#4c4';
  g.beginPath();
  kbpsHistory.forEach((kbps, i) => {
    const x = (i / (CHART_SECONDS - 1)) * (chart.width - 1);
    const y = chart.height - 1 - (kbps / top) * (chart.height - 10);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = '#ccc';
  g.font = '9px monospace';
  g.fillText(`${top} kbps`, 2, 9);
}

function layersText(layers) {
  if (!layers) return '–';
  if (layers.spatialLayer === null) return 'none';
  return `S${layers.spatialLayer}T${layers.temporalLayer === null ? '*' : layers.temporalLayer}`;
}

/** Overlay: layers and scores from the relayed events, bitrate and frames from getStats. */
async function refreshOverlays() {
  for (const entry of state.consumers.values()) {
    const { consumer, overlay } = entry;
    let bytes = 0;
    let frames = 0;
    let size = '';
    (await statsOf(consumer)).forEach((s) => {
      if (s.type === 'inbound-rtp') {
        bytes += s.bytesReceived || 0;
        frames += s.framesDecoded || 0;
        if (s.frameWidth) size = `${s.frameWidth}x${s.frameHeight}`;
      }
    });
    const kbps = entry.lastBytes === undefined ? 0 : Math.round(((bytes - entry.lastBytes) * 8) / 1000);
    entry.lastBytes = bytes;
    entry.kbpsHistory.push(kbps);
    if (entry.kbpsHistory.length > CHART_SECONDS) entry.kbpsHistory.shift();
    const score = entry.score ? `${entry.score.score}/${entry.score.producerScore}` : '–';
    let text = `${consumer.kind} of ${entry.name} · ${kbps} kbps · score ${score}`;
    if (consumer.kind === 'video') {
      text += ` · ${size || 'no frames'} · ${frames} frames`;
      if (entry.type !== 'simple') text += ` · ${entry.type} ${layersText(entry.layers)}`;
    }
    if (entry.producerPaused) text += ' · paused';
    if (consumer.kind === 'video') entry.tile.classList.toggle('paused', Boolean(entry.producerPaused));
    if (entry.lastError) text += ` · ${entry.lastError}`;
    overlay.textContent = text;
    drawChart(entry);
  }
}

/** The router codec the page asked for with ?codec=, from what this device can send. */
function chosenCodec(device) {
  const name = (params.get('codec') || '').toLowerCase();
  if (!name) return undefined;
  const candidates = device.rtpCapabilities.codecs.filter((c) => c.mimeType.toLowerCase() === `video/${name}`
    && (name !== 'h264' || c.parameters['packetization-mode'] === 1));
  // H264: constrained baseline (42e01f), which every browser encoder sends, before main (4d0032).
  const codec = candidates.find((c) => c.parameters['profile-level-id'] === '42e01f') || candidates[0];
  if (!codec) throw new Error(`codec ${name} is not supported by this browser and router`);
  return codec;
}

function onNotification(method, data) {
  chat.onNotification(method, data);
  const entry = data.consumerId ? state.consumers.get(data.consumerId) : undefined;
  switch (method) {
    case 'newProducer':
      if (state.consume) state.consume(data);
      else pendingProducers.push(data);
      break;
    case 'reconnect':
      reconnect(data.reason).catch(fail);
      break;
    case 'consumerClosed':
      dropConsumer(data.consumerId);
      break;
    case 'peerLeft':
      for (const [id, other] of state.consumers) if (other.peerId === data.peerId) dropConsumer(id);
      break;
    case 'producerClosed': {
      // Our own producer closed on the worker (its transport or router went away).
      const own = state.producers.find((p) => p.id === data.producerId);
      if (own && !own.closed) own.close();
      break;
    }
    case 'consumerPaused':
    case 'consumerResumed':
      if (entry) entry.producerPaused = data.producerPaused;
      break;
    case 'consumerScore':
      if (entry) entry.score = data;
      break;
    case 'consumerLayersChanged':
      if (entry) entry.layers = data;
      break;
    case 'producerScore':
      state.producerScores.set(data.producerId, data.score);
      break;
    case 'transportStateChanged':
      state.transportStates.set(data.transportId,
        { ...state.transportStates.get(data.transportId), ...data });
      break;
    case 'transportClosed':
      status(`transport ${data.transportId} closed (${data.reason})`);
      break;
    case 'dominantSpeaker':
      showDominantSpeaker(data.peerId);
      break;
    default:
      break;
  }
}

function dropConsumer(consumerId) {
  const entry = state.consumers.get(consumerId);
  if (!entry) return;
  entry.consumer.close();
  entry.tile.remove();
  if (entry.overlay && entry.consumer.kind === 'audio') entry.overlay.remove();
  state.consumers.delete(consumerId);
  dropEmptyCard(entry.peerId);
}

/** Forgets every transport, producer and consumer of the router that went away. */
function dropRoomState() {
  roomGeneration++;
  state.consume = null;
  pendingProducers = [];
  for (const id of [...state.consumers.keys()]) dropConsumer(id);
  for (const transport of transports) if (!transport.closed) transport.close();
  transports = [];
  state.transportOptions = [];
  state.producers = [];
  chat.reset();
}

/** Joins again after the room's router went away, with backoff while no worker takes it. */
async function reconnect(reason) {
  const attempt = { reason, at: performance.now(), rejoinedAt: 0 };
  state.reconnects.push(attempt);
  status(`reconnecting (${reason})`);
  dropRoomState();
  for (let tries = 0; ; tries++) {
    try {
      await enterRoom();
      attempt.rejoinedAt = performance.now();
      return;
    } catch (error) {
      if (state.reconnects[state.reconnects.length - 1] !== attempt) return; // a newer reconnect took over
      dropRoomState();
      await new Promise((resolve) => { setTimeout(resolve, Math.min(2000, 100 * 2 ** tries)); });
    }
  }
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Opens the signaling WebSocket; when it drops, a new one resumes the session. */
async function openSignaling() {
  const next = await Signaling.open(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  next.onNotification = onNotification;
  next.onClose = () => { if (signaling === next && !state.left) resumeSignaling().catch(fail); };
  signaling = next;
}

/**
 * The WebSocket dropped: opens a new one with backoff and resumes the session (docs/signaling.md,
 * "Resuming a session"), then reconciles with what the server answers; when the server knows the
 * session no more, joins again.
 */
async function resumeSignaling() {
  const drop = { at: performance.now(), resumedAt: 0, how: '' };
  state.signalingDrops.push(drop);
  status('signaling lost: reconnecting');
  for (let tries = 0; ; tries++) {
    await sleep(Math.min(2000, 100 * 2 ** tries));
    try {
      await openSignaling();
    } catch (error) {
      continue;
    }
    try {
      if (!session) throw new Error('no session to resume');
      reconcile(await signaling.request('resume', session));
      drop.how = 'resumed';
    } catch (error) {
      if (error.signalingClosed) return; // the new socket dropped too: its close resumes again
      session = null;
      dropRoomState();
      await enterRoom();
      drop.how = 'rejoined';
    }
    drop.resumedAt = performance.now();
    status(`signaling back (${drop.how})`);
    return;
  }
}

/** After a resume: drops what closed while the socket was away and consumes what is new. */
function reconcile(resumed) {
  const ownConsumers = new Set(resumed.consumers.map((c) => c.id));
  for (const id of [...state.consumers.keys()]) if (!ownConsumers.has(id)) dropConsumer(id);
  const ownProducers = new Set(resumed.ownProducers.map((p) => p.id));
  for (const producer of state.producers) if (!producer.closed && !ownProducers.has(producer.id)) producer.close();
  for (const producer of resumed.producers) {
    if (state.consume) state.consume(producer);
    else pendingProducers.push(producer);
  }
}

/** One join of the room: device, receive transport, the room's producers, then our own tracks. */
async function enterRoom() {
  const generation = roomGeneration;
  const failHere = (error) => { if (generation === roomGeneration) fail(error); };
  const roomId = params.get('room');
  const token = params.get('token');
  // The Python backend holds a peer on a 3G network at the lowest spatial layer; the stub ignores it.
  const network = navigator.connection ? navigator.connection.effectiveType : undefined;
  const joined = await signaling.request('join', { roomId, token, network });
  state.peerId = joined.peerId;
  state.userId = joined.userId;
  session = { peerId: joined.peerId, resumeToken: joined.resumeToken };
  status(`joined ${roomId} as ${joined.userId}`);
  updateControls();

  const device = new Device();
  await device.load({ routerRtpCapabilities: await signaling.request('getRouterRtpCapabilities') });

  const recvOptions = await signaling.request('createWebRtcTransport',
    { direction: 'recv', enableSctp: true });
  state.transportOptions.push(recvOptions);
  const recvTransport = device.createRecvTransport(recvOptions);
  transports.push(recvTransport);
  connectOnDemand(recvTransport);
  // A backend without DataChannels (the Quart example) answers no dataProducers and no SCTP.
  if (Array.isArray(joined.dataProducers) && recvOptions.sctpParameters) {
    joined.dataProducers.forEach(chat.consume);
    await chat.attachRecv(recvTransport);
  }
  // Resuming asks the sender for a key frame: before the transport has connected, Sluice cannot
  // forward it yet and the first frame waits for the next key frame request.
  const recvConnected = new Promise((resolve) => {
    recvTransport.on('connectionstatechange', (connectionState) => {
      if (connectionState === 'connected') resolve();
    });
  });

  // mediasoup-client batches the consume() calls that overlap into one remote SDP and, for
  // rtpParameters without a mid, numbers the batch's m-sections from the same count: "Duplicate
  // a=mid". The worker now gives every consumer a mid of its own (as mediasoup does); one at a
  // time still keeps a page working against a backend whose worker sends none.
  let consumeChain = Promise.resolve();
  const consumeOneAtATime = (options) => {
    const next = consumeChain.then(() => recvTransport.consume(options));
    consumeChain = next.catch(() => {});
    return next;
  };
  const consumeOrThrow = async ({ producerId, peerId, userId }) => {
    const answer = await signaling.request('consume', {
      transportId: recvTransport.id, producerId, rtpCapabilities: device.rtpCapabilities,
    });
    const consumer = await consumeOneAtATime({
      id: answer.id, producerId, kind: answer.kind, rtpParameters: answer.rtpParameters,
    });
    const entry = {
      consumer, peerId, userId, type: answer.type || 'simple', score: answer.score,
      layers: answer.preferredLayers, producerPaused: answer.producerPaused,
    };
    addTile(entry);
    state.consumers.set(consumer.id, entry);
    await recvConnected;
    await signaling.request('resumeConsumer', { consumerId: consumer.id });
  };
  // Once per producer: a resume may announce producers this join consumes already.
  const consuming = new Set();
  const consume = (producer) => {
    if (consuming.has(producer.producerId)) return Promise.resolve();
    consuming.add(producer.producerId);
    return consumeOrThrow(producer).catch(failHere);
  };
  state.consume = consume;
  const known = new Set(joined.producers.map((p) => p.producerId));
  const early = pendingProducers.filter((p) => !known.has(p.producerId));
  pendingProducers = [];
  await Promise.all([...joined.producers, ...early].map(consume));

  if (!localTracks) {
    localTracks = await captureTracks(joined.permissions);
    if (localTracks.length > 0) showSelfView(localTracks);
  }
  if (localTracks.length === 0) return;
  const simulcast = params.get('simulcast') === '1';
  const svc = params.get('svc');
  const sendOptions = await signaling.request('createWebRtcTransport',
    { direction: 'send', enableSctp: true });
  state.transportOptions.push(sendOptions);
  const sendTransport = device.createSendTransport(sendOptions);
  transports.push(sendTransport);
  connectOnDemand(sendTransport);
  sendTransport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    signaling.request('produce', { transportId: sendTransport.id, kind, rtpParameters })
      .then(({ id }) => callback({ id }), errback);
  });
  for (const track of localTracks) {
    // The tracks outlive the producers: a reconnect sends them again.
    const options = { track, stopTracks: false };
    if (track.kind === 'video') {
      options.codec = chosenCodec(device);
      if (simulcast) options.encodings = SIMULCAST_ENCODINGS;
      else if (svc) options.encodings = [{ scalabilityMode: svc, maxBitrate: 2000000 }];
    }
    const producer = await sendTransport.produce(options);
    state.producers.push(producer);
    if (state.muted[track.kind]) {
      producer.pause();
      await signaling.request('pauseProducer', { producerId: producer.id });
    }
  }
  if (sendOptions.sctpParameters) await chat.attachSend(sendTransport);
  status(`joined ${roomId} as ${joined.userId}, publishing ${localTracks.map((t) => t.kind).join(' + ')}`);
}

/** The camera and microphone the token and the query allow (none for a viewer). */
async function captureTracks(permissions) {
  const audio = permissions.includes('audio') && params.get('audio') !== '0';
  const video = permissions.includes('video') && params.get('video') !== '0';
  if (!audio && !video) return [];
  const layered = params.get('simulcast') === '1' || Boolean(params.get('svc'));
  const stream = await navigator.mediaDevices.getUserMedia({
    audio,
    // Chromium sends all three simulcast encodings (or spatial layers) only from a 1280x720 capture.
    video: video ? (layered ? { width: 1280, height: 720 } : { width: 640, height: 480 }) : false,
  });
  return stream.getTracks();
}

async function main() {
  if (!params.get('room') || !params.get('token')) {
    status('open this page as /?room=<room>&token=<join token>');
    return;
  }
  await openSignaling();
  // A closed tab leaves at once rather than after the resume grace.
  window.addEventListener('pagehide', () => { if (session) signaling.request('leave').catch(() => {}); });
  buttons.camera.addEventListener('click', () => setMuted('video', !state.muted.video).catch(fail));
  buttons.mic.addEventListener('click', () => setMuted('audio', !state.muted.audio).catch(fail));
  buttons.leave.addEventListener('click', () => leaveRoom().catch(fail));
  buttons.startAudio.addEventListener('click', () => {
    buttons.startAudio.hidden = true;
    state.audioBlocked = false;
    document.querySelectorAll('audio').forEach(playAudio);
  });
  setInterval(() => refreshOverlays().catch(fail), 1000);
  state.joinStartedAt = performance.now();
  await enterRoom().catch((error) => {
    if (state.reconnects.length === 0) throw error; // else the reconnect's own join carries on
  });
}

main().catch(fail);
