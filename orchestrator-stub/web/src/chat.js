// The demo page's chat box: every publishing peer opens one ordered, reliable DataChannel
// labelled "chat" on its send transport (mediasoup-client's transport.produceData), and every
// peer consumes the room's data producers on its receive transport (docs/signaling.md,
// "DataChannels"). Messages are shown with the sender's user name. Data producers with other
// labels are consumed too but not shown: the browser tests send on them through window.sluice.data.

/**
 * @param request (method, data) => Promise of the signaling answer
 * @param fail reports an error of the page
 */
export function createChat({ request, fail }) {
  const log = document.getElementById('chat-log');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-input');
  const data = {
    /** This peer's data producers, by id. */
    producers: new Map(),
    /** dataProducerId -> {dataConsumer, peerId, userId, label}. */
    consumers: new Map(),
    /** Every chat message shown: {userId, text, own}. */
    messages: [],
    /** Data producers the stub cannot hand this peer: {dataProducerId, userId, reason}. */
    unavailable: [],
  };
  let sendTransport = null;
  let recvTransport = null;
  let chatProducer = null;
  /** Data producers announced before the receive transport existed. */
  let pending = [];

  function show(userId, text, own) {
    data.messages.push({ userId, text, own });
    const line = document.createElement('div');
    line.className = own ? 'own' : '';
    const name = document.createElement('b');
    name.textContent = own ? 'you' : userId;
    line.append(name, `: ${text}`);
    log.append(line);
    log.scrollTop = log.scrollHeight;
  }

  function showNotice(text) {
    const line = document.createElement('div');
    line.className = 'notice';
    line.textContent = text;
    log.append(line);
  }

  function updateForm() {
    const open = Boolean(chatProducer && !chatProducer.closed);
    input.disabled = !open;
    input.placeholder = open ? 'message' : 'chat needs a token that publishes';
  }

  async function consume({ dataProducerId, peerId, userId }) {
    if (!recvTransport) {
      pending.push({ dataProducerId, peerId, userId });
      return;
    }
    if (data.consumers.has(dataProducerId)) return;
    data.consumers.set(dataProducerId, { dataConsumer: null, peerId, userId });
    let answer;
    let dataConsumer;
    try {
      answer = await request('consumeData', { transportId: recvTransport.id, dataProducerId });
      dataConsumer = await recvTransport.consumeData({
        id: answer.id,
        dataProducerId,
        sctpStreamParameters: answer.sctpStreamParameters,
        label: answer.label,
        protocol: answer.protocol,
      });
    } catch (error) {
      data.consumers.delete(dataProducerId);
      // A room spread over several workers does not pipe data producers yet (docs/signaling.md,
      // "DataChannels"): the stub refuses with FAILED_PRECONDITION, which is a limit, not a fault.
      if (error.code === 'FAILED_PRECONDITION') {
        data.unavailable.push({ dataProducerId, userId, reason: error.message });
        showNotice(`chat of ${userId} is on another worker and not relayed here`);
        return;
      }
      throw error;
    }
    dataConsumer.binaryType = 'arraybuffer';
    data.consumers.set(dataProducerId, { dataConsumer, peerId, userId, label: answer.label });
    if (answer.label === 'chat') {
      dataConsumer.on('message', (message) => {
        if (typeof message === 'string') show(userId, message, false);
      });
    }
  }

  /** A data producer of this peer on its send transport: mediasoup-client's produceData options. */
  async function produce(options) {
    const dataProducer = await sendTransport.produceData(options);
    data.producers.set(dataProducer.id, dataProducer);
    return dataProducer;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !chatProducer || chatProducer.closed || chatProducer.readyState !== 'open') return;
    chatProducer.send(text);
    show(null, text, true);
    input.value = '';
  });
  updateForm();

  return {
    data,
    /** The receive transport of a join: consumes what was announced meanwhile. */
    attachRecv(transport) {
      recvTransport = transport;
      const early = pending;
      pending = [];
      return Promise.all(early.map((p) => consume(p).catch(fail)));
    },
    /** The send transport of a join: relays its producedata and opens the chat channel. */
    async attachSend(transport) {
      sendTransport = transport;
      transport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
        request('produceData', { transportId: transport.id, sctpStreamParameters, label, protocol })
          .then(({ id }) => callback({ id }), errback);
      });
      chatProducer = await produce({ ordered: true, label: 'chat' });
      chatProducer.on('open', updateForm);
      chatProducer.on('close', updateForm);
      updateForm();
    },
    consume: (announced) => consume(announced).catch(fail),
    produce,
    /** Closes one of this peer's data producers, here and on the worker. */
    async closeProducer(id) {
      const dataProducer = data.producers.get(id);
      dataProducer.close();
      data.producers.delete(id);
      await request('closeDataProducer', { dataProducerId: id });
    },
    onNotification(method, notified) {
      switch (method) {
        case 'newDataProducer':
          consume(notified).catch(fail);
          break;
        case 'dataConsumerClosed': {
          const entry = data.consumers.get(notified.dataProducerId);
          if (entry && entry.dataConsumer) entry.dataConsumer.close();
          data.consumers.delete(notified.dataProducerId);
          break;
        }
        case 'dataProducerClosed': {
          // Our own data producer closed on the worker (its transport or router went away).
          const own = data.producers.get(notified.dataProducerId);
          if (own && !own.closed) own.close();
          updateForm();
          break;
        }
        default:
          break;
      }
    },
    /** The room's router went away or the peer left: every DataChannel of the join is gone. */
    reset() {
      for (const { dataConsumer } of data.consumers.values()) if (dataConsumer) dataConsumer.close();
      for (const dataProducer of data.producers.values()) dataProducer.close();
      data.consumers.clear();
      data.producers.clear();
      chatProducer = null;
      sendTransport = null;
      recvTransport = null;
      pending = [];
      updateForm();
    },
  };
}
