'use strict';

// Runs Sluice's JSON through mediasoup-client's own ortc code, as Device.load() and
// Transport.consume() would in a browser.
//
//   node validate-capabilities.js <node_modules dir> capabilities < router-capabilities.json
//   node validate-capabilities.js <node_modules dir> parameters < rtp-parameters.json
//   node validate-capabilities.js <node_modules dir> consume < {routerCapabilities, rtpParameters}
//
// Exit 0 and a JSON report on stdout when mediasoup-client accepts the input; exit 1 and the
// validator's message on stderr when it throws; exit 2 on bad usage.
//
//   node validate-capabilities.js <node_modules dir> serve
//
// answers many inputs in one process (loading Node and mediasoup-client once, not per input): one
// request a line on stdin, {"mode": "capabilities"|"parameters"|"consume", "input": ...}, one answer
// a line on stdout, {"exitCode": 0, "report": ...} or {"exitCode": 1, "error": "..."}, as the
// one-shot modes would have exited.

const fs = require('fs');
const path = require('path');

// A receiving/sending Chromium as INTEROP.md describes it: Opus and G.711, VP8, VP9 profiles 0
// and 2, H.264 42001f/42e01f/4d001f in packetization modes 0 and 1, AV1, each video codec with RTX.
function chromiumNativeCapabilities() {
	const videoFeedback = () => [
		{ type: 'goog-remb' },
		{ type: 'transport-cc' },
		{ type: 'ccm', parameter: 'fir' },
		{ type: 'nack' },
		{ type: 'nack', parameter: 'pli' },
	];
	const codecs = [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2,
			parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] },
		{ kind: 'audio', mimeType: 'audio/G722', preferredPayloadType: 9, clockRate: 8000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/PCMA', preferredPayloadType: 8, clockRate: 8000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/CN', preferredPayloadType: 13, clockRate: 8000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/telephone-event', preferredPayloadType: 110, clockRate: 48000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/telephone-event', preferredPayloadType: 126, clockRate: 8000, channels: 1 },
	];
	const video = [
		['video/VP8', 96, {}],
		['video/VP9', 98, { 'profile-id': 0 }],
		['video/VP9', 100, { 'profile-id': 2 }],
		['video/H264', 102, { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42001f' }],
		['video/H264', 104, { 'level-asymmetry-allowed': 1, 'packetization-mode': 0, 'profile-level-id': '42001f' }],
		['video/H264', 106, { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42e01f' }],
		['video/H264', 108, { 'level-asymmetry-allowed': 1, 'packetization-mode': 0, 'profile-level-id': '42e01f' }],
		['video/H264', 127, { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '4d001f' }],
		['video/H264', 39, { 'level-asymmetry-allowed': 1, 'packetization-mode': 0, 'profile-level-id': '4d001f' }],
		['video/AV1', 45, {}],
	];
	for (const [mimeType, payloadType, parameters] of video) {
		codecs.push({ kind: 'video', mimeType, preferredPayloadType: payloadType, clockRate: 90000,
			parameters, rtcpFeedback: videoFeedback() });
		codecs.push({ kind: 'video', mimeType: 'video/rtx', preferredPayloadType: payloadType + 1, clockRate: 90000,
			parameters: { apt: payloadType }, rtcpFeedback: [] });
	}
	const headerExtensions = [
		{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 1 },
		{ kind: 'audio', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
		{ kind: 'audio', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 3 },
		{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:toffset', preferredId: 14 },
		{ kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
		{ kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 13 },
		{ kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 3 },
		{ kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', preferredId: 12 },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', preferredId: 10 },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', preferredId: 11 },
	];
	return { codecs, headerExtensions };
}

// The steps of mediasoup-client's Device.load() that only need ortc.js.
function loadDevice(ortc, routerCapabilities) {
	// 3.24.1 calls it validateAndNormalizeRtpCapabilities; older releases validateRtpCapabilities.
	const validateCapabilities = ortc.validateAndNormalizeRtpCapabilities ?? ortc.validateRtpCapabilities;
	const router = JSON.parse(JSON.stringify(routerCapabilities));
	validateCapabilities(router);
	// Negotiation below rewrites H.264 profile-level-ids in place; report what validation left.
	const normalized = JSON.parse(JSON.stringify(router));
	const nativeRecv = chromiumNativeCapabilities();
	const nativeSend = chromiumNativeCapabilities();
	validateCapabilities(nativeRecv);
	validateCapabilities(nativeSend);
	const recvExtended = ortc.getExtendedRtpCapabilities(nativeRecv, router, false);
	const recvCapabilities = ortc.getRecvRtpCapabilities(recvExtended);
	validateCapabilities(recvCapabilities);
	const sendExtended = ortc.getExtendedRtpCapabilities(nativeSend, router, false);
	const sendCapabilities = ortc.getSendRtpCapabilities(sendExtended);
	validateCapabilities(sendCapabilities);
	return {
		normalized,
		extendedCodecs: recvExtended.codecs.map((codec) => ({
			mimeType: codec.mimeType,
			remotePayloadType: codec.remotePayloadType,
			remoteRtxPayloadType: codec.remoteRtxPayloadType ?? null,
			remoteParameters: codec.remoteParameters,
		})),
		extendedHeaderExtensions: recvExtended.headerExtensions.map((ext) => `${ext.kind} ${ext.uri}`),
		recvCodecs: recvCapabilities.codecs.map((codec) => codec.mimeType),
		// What device.rtpCapabilities would hand the application to send to the server.
		recvRtpCapabilities: recvCapabilities,
		canSendAudio: ortc.canSend('audio', sendCapabilities),
		canSendVideo: ortc.canSend('video', sendCapabilities),
	};
}

const MODES = ['capabilities', 'parameters', 'consume'];

// The report mediasoup-client's code gives on the input; throws what its validator throws.
function evaluate(ortc, mode, input) {
	if (mode === 'capabilities') {
		return loadDevice(ortc, input);
	}
	if (mode === 'parameters') {
		ortc.validateAndNormalizeRtpParameters(input);
		return { normalized: input };
	}
	// Transport.consume(): the consumer's parameters against the loaded device.
	const device = loadDevice(ortc, input.routerCapabilities);
	const rtpParameters = input.rtpParameters;
	const canReceive = ortc.canReceive(rtpParameters, device.recvRtpCapabilities);
	return { canReceive, normalized: rtpParameters };
}

function answer(ortc, version, mode, input) {
	try {
		return { exitCode: 0, report: { mediasoupClientVersion: version, ...evaluate(ortc, mode, input) } };
	} catch (error) {
		return { exitCode: 1, error: `mediasoup-client ${version} rejected the ${mode}: ${error.name}: ${error.message}` };
	}
}

function serve(ortc, version) {
	const lines = require('readline').createInterface({ input: process.stdin, crlfDelay: Infinity });
	lines.on('line', (line) => {
		if (line.trim() === '') {
			return;
		}
		const request = JSON.parse(line);
		if (!MODES.includes(request.mode)) {
			process.stderr.write(`unknown mode ${request.mode}\n`);
			process.exit(2);
		}
		process.stdout.write(JSON.stringify(answer(ortc, version, request.mode, request.input)) + '\n');
	});
}

function main() {
	const [nodeModules, mode] = process.argv.slice(2);
	if (!nodeModules || !(MODES.includes(mode) || mode === 'serve')) {
		process.stderr.write('usage: validate-capabilities.js <node_modules dir> capabilities|parameters|consume|serve < json\n');
		process.exit(2);
	}
	const packageDir = path.resolve(nodeModules, 'mediasoup-client');
	const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
	// The package's exports map hides lib/ortc from require('mediasoup-client/lib/ortc'); a file
	// path is not subject to it.
	const ortc = require(path.join(packageDir, 'lib', 'ortc.js'));
	if (mode === 'serve') {
		serve(ortc, version);
		return;
	}
	const result = answer(ortc, version, mode, JSON.parse(fs.readFileSync(0, 'utf8')));
	if (result.exitCode !== 0) {
		process.stderr.write(result.error + '\n');
		process.exit(1);
	}
	process.stdout.write(JSON.stringify(result.report) + '\n');
}

main();
