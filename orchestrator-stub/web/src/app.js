// The demo page: joins ?room= with ?token= over the signaling WebSocket (docs/signaling.md),
// publishes camera and microphone when the token allows it, and shows every other peer's media.
// window.sluice exposes timings and receive statistics for the browser tests.
import { Device } from 'mediasoup-client';

const params = new URLSearchParams(location.search);
const statusLine = document.getElementById('status');
const videos = document.getElementById('videos');

const state = {
  joinStartedAt: 0,
  firstFrameAt: 0,
  errors: [],
  consumers: new Map(),
  producers: [],
};
window.sluice = {
  state,
  /** Sums framesDecoded of every video consumer (inbound-rtp of the receive transport's pc). */
  async framesDecoded() {
    let frames = 0;
    for (const { consumer } of state.consumers.values()) {
      if (consumer.kind !== 'video') continue;
      (await consumer.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') frames += s.framesDecoded || 0;
      });
    }
    return frames;
  },
};

function status(text) {
  statusLine.textContent = text;
}

function fail(error) {
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
        else waiting.reject(new Error(`${message.error.code}: ${message.error.message}`));
      } else if (message.notification) {
        this.onNotification(message.method, message.data);
      }
    });
    socket.addEventListener('close', () => status('disconnected'));
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

function connectOnDemand(signaling, transport) {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
}

function addTile(consumer, peerId) {
  const tile = document.createElement('div');
  tile.className = 'tile';
  tile.dataset.peerId = peerId;
  const media = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
  media.autoplay = true;
  media.playsInline = true;
  media.srcObject = new MediaStream([consumer.track]);
  const overlay = document.createElement('div');
  overlay.className = 'overlay';
  overlay.textContent = `${consumer.kind} of ${peerId.slice(0, 8)}`;
  tile.append(media, overlay);
  (consumer.kind === 'video' ? videos : document.body).append(tile);
  return { tile, overlay };
}

/** Overlay: receive bitrate from the consumer's inbound-rtp; the score is a placeholder. */
async function refreshOverlays() {
  for (const entry of state.consumers.values()) {
    const { consumer, overlay } = entry;
    let bytes = 0;
    let frames = 0;
    (await consumer.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') {
        bytes += s.bytesReceived || 0;
        frames += s.framesDecoded || 0;
      }
    });
    const kbps = entry.lastBytes === undefined ? 0 : Math.round(((bytes - entry.lastBytes) * 8) / 1000);
    entry.lastBytes = bytes;
    if (consumer.kind === 'video' && frames > 0 && !state.firstFrameAt) {
      state.firstFrameAt = performance.now();
    }
    overlay.textContent = `${consumer.kind} of ${entry.peerId.slice(0, 8)} · ${kbps} kbps · score –` +
      (consumer.kind === 'video' ? ` · ${frames} frames` : '');
  }
}

async function main() {
  const roomId = params.get('room');
  const token = params.get('token');
  if (!roomId || !token) {
    status('open this page as /?room=<room>&token=<join token>');
    return;
  }
  const signaling = await Signaling.open(`ws://${location.host}/ws`);
  state.joinStartedAt = performance.now();
  const joined = await signaling.request('join', { roomId, token });
  status(`joined ${roomId} as ${joined.userId}`);

  const device = new Device();
  await device.load({ routerRtpCapabilities: await signaling.request('getRouterRtpCapabilities') });

  const recvTransport = device.createRecvTransport(
    await signaling.request('createWebRtcTransport', { direction: 'recv' }));
  connectOnDemand(signaling, recvTransport);

  const consume = async ({ producerId, peerId }) => {
    const answer = await signaling.request('consume', {
      transportId: recvTransport.id, producerId, rtpCapabilities: device.rtpCapabilities,
    });
    const consumer = await recvTransport.consume({
      id: answer.id, producerId, kind: answer.kind, rtpParameters: answer.rtpParameters,
    });
    state.consumers.set(consumer.id, { consumer, peerId, ...addTile(consumer, peerId) });
    await signaling.request('resumeConsumer', { consumerId: consumer.id });
  };
  const dropConsumer = (consumerId) => {
    const entry = state.consumers.get(consumerId);
    if (!entry) return;
    entry.consumer.close();
    entry.tile.remove();
    state.consumers.delete(consumerId);
  };
  signaling.onNotification = (method, data) => {
    if (method === 'newProducer') consume(data).catch(fail);
    else if (method === 'consumerClosed') dropConsumer(data.consumerId);
    else if (method === 'peerLeft') {
      for (const [id, entry] of state.consumers) if (entry.peerId === data.peerId) dropConsumer(id);
    }
  };
  await Promise.all(joined.producers.map((producer) => consume(producer).catch(fail)));
  setInterval(() => refreshOverlays().catch(fail), 1000);

  const audio = joined.permissions.includes('audio') && params.get('audio') !== '0';
  const video = joined.permissions.includes('video') && params.get('video') !== '0';
  if (!audio && !video) return;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio, video: video ? { width: 640, height: 480 } : false,
  });
  const sendTransport = device.createSendTransport(
    await signaling.request('createWebRtcTransport', { direction: 'send' }));
  connectOnDemand(signaling, sendTransport);
  sendTransport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    signaling.request('produce', { transportId: sendTransport.id, kind, rtpParameters })
      .then(({ id }) => callback({ id }), errback);
  });
  for (const track of stream.getTracks()) {
    state.producers.push(await sendTransport.produce({ track }));
  }
  status(`joined ${roomId} as ${joined.userId}, publishing ${stream.getTracks().map((t) => t.kind).join(' + ')}`);
}

main().catch(fail);
