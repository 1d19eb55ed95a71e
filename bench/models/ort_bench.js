#!/usr/bin/env node
// Batch-1 latency of an ONNX model under ONNX Runtime (onnxruntime-node, CPU execution provider): the peer
// that bench/models/run.sh sets against `qc bench`. Same protocol as `qc bench`: warm up (at least 5 runs
// and 0.2 s), then time single session.run() calls until both --min-runs and --min-time are reached.
//
//   node bench/models/ort_bench.js MODEL.onnx INPUT.npy [--threads N] [--min-time S] [--min-runs N]
//
// INPUT.npy (float32 or int64, little-endian, C order) feeds the model's only input. Session options:
// intraOpNumThreads = N, interOpNumThreads = 1, executionMode 'sequential', graphOptimizationLevel 'all'.
// Output (last line `median_ms: X`, like `qc bench`):
//   model: ... / ort: <version> / threads: N / load_s: X / runs: N / min_ms: X / max_ms: X / median_ms: X
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE =
  'usage: ort_bench.js MODEL.onnx INPUT.npy [--threads N] [--min-time S] [--min-runs N]';

function fail(msg, code = 1) {
  process.stderr.write(`ort_bench.js: error: ${msg}\n`);
  process.exit(code);
}

const repoRoot = path.resolve(__dirname, '..', '..');

function loadOrt() {
  const mod = path.join(repoRoot, 'test/ort/node_modules/onnxruntime-node');
  try {
    return require(mod);
  } catch (e) {
    fail(`cannot load ${mod} (run scripts/npm-setup.sh first): ${e.message}`);
  }
  return null;
}

/** Reads a float32 .npy (v1/v2/v3, little-endian, C order). */
function readNpyF32(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read '${file}': ${e.message}`);
  }
  const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(magic)) fail(`${file}: not a .npy file`);
  const major = buf[6];
  const headerStart = major === 1 ? 10 : 12;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = headerStart + headerLen;
  const hdr = buf.subarray(headerStart, dataStart).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(hdr);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(hdr);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(hdr);
  if (!descr || !fortran || !shape) fail(`${file}: malformed .npy header`);
  // float32, or int64 (token ids of language models).
  const types = { f4: ['float32', Float32Array, 4], i8: ['int64', BigInt64Array, 8] };
  const code = /^[<=|]?(f4|i8)$/.exec(descr[1]);
  if (!code || descr[1].startsWith('>')) fail(`${file}: dtype ${descr[1]}, expected little-endian float32 or int64`);
  const [type, Array_, size] = types[code[1]];
  if (fortran[1] === 'True') fail(`${file}: Fortran-order arrays are not supported`);
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length - dataStart !== count * size) fail(`${file}: data size does not match shape (${dims})`);
  const ab = new ArrayBuffer(count * size);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + count * size));
  return { dims, type, data: new Array_(ab) };
}

function parseArgs(argv) {
  const o = { model: null, input: null, threads: 1, minTime: 2, minRuns: 20 };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = () => {
      if (v !== null) return v;
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${USAGE}`, 2);
      return argv[++i];
    };
    const num = (s, int) => {
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) fail(`${a}: bad value '${s}'`, 2);
      return n;
    };
    switch (a) {
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      case '--threads':
        o.threads = num(val(), true);
        break;
      case '--min-time':
        o.minTime = num(val(), false);
        break;
      case '--min-runs':
        o.minRuns = num(val(), true);
        break;
      default:
        if (a.startsWith('-')) fail(`unknown option '${a}'\n${USAGE}`, 2);
        pos.push(a);
    }
  }
  if (pos.length !== 2) fail(USAGE, 2);
  [o.model, o.input] = pos;
  return o;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.model)) fail(`model file '${o.model}' does not exist`);
  const ort = loadOrt();
  const x = readNpyF32(o.input);

  const t0 = nowMs();
  let session;
  try {
    session = await ort.InferenceSession.create(o.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: o.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    fail(`${o.model}: onnxruntime failed to load the model: ${e.message}`);
  }
  const loadS = (nowMs() - t0) / 1000;
  if (session.inputNames.length !== 1) {
    fail(`${o.model}: model has ${session.inputNames.length} inputs; this benchmark feeds exactly one`);
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor(x.type, x.data, x.dims) };

  const run = async () => {
    const r = await session.run(feeds);
    return r;
  };

  // Warm-up: at least 5 runs and 0.2 s.
  const w0 = nowMs();
  for (let n = 0; n < 5 || nowMs() - w0 < 200; n++) await run();

  // Timed single runs.
  const times = [];
  const s0 = nowMs();
  while (times.length < o.minRuns || nowMs() - s0 < o.minTime * 1000) {
    const a = nowMs();
    await run();
    times.push(nowMs() - a);
  }
  times.sort((p, q) => p - q);
  const n = times.length;
  const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;

  const ver = (ort.env && ort.env.versions && ort.env.versions.node) || 'unknown';
  process.stdout.write(
    `model: ${o.model}\n` +
      `ort: onnxruntime-node ${ver}\n` +
      `threads: ${o.threads}\n` +
      `load_s: ${loadS.toFixed(2)}\n` +
      `runs: ${n}\n` +
      `min_ms: ${times[0].toFixed(4)}\n` +
      `max_ms: ${times[n - 1].toFixed(4)}\n` +
      `median_ms: ${median.toFixed(4)}\n`,
  );
  await session.release();
}

main().catch((e) => fail(`internal error: ${e && e.stack ? e.stack : e}`));
