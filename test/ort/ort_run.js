#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (onnxruntime-node, CPU execution provider) on .npy inputs and writes
// every graph output to DIR/<output name>.npy. This is the numerical peer that qc's importer, reference
// executor and compiled code are checked against.
//
//   node test/ort/ort_run.js MODEL.onnx --input NAME=FILE.npy [--input ...] --output-dir DIR
//                            [--threads N] [--graph-opt disabled|basic|extended|all] [--quiet]
//   node test/ort/ort_run.js --batch JOBS.json [--threads N] [--graph-opt ...]
//
// --batch runs many models in one process (ONNX Runtime loads once): JOBS.json is a list of
// {"model": M, "inputs": {NAME: FILE.npy, ...}, "output_dir": DIR}; each job prints one line, "ok M" or
// "error M: MESSAGE", and the exit status is 0 unless the manifest itself cannot be read.
//
// Inputs: .npy v1/v2/v3, little-endian (or byte-order-free) float32/float64/int64/int32/int16/int8/uint8/bool,
// C order. Outputs: .npy v1.0, little-endian, C order; float32 outputs are written as '<f4', other element
// types keep their own dtype ('<i8', '|u1', ...) so integer outputs stay exact. Output names that are
// not safe file names have every character outside [A-Za-z0-9._-] replaced by '_' (the mapping is printed).
// Exit status: 0 success, 1 bad input / runtime error, 2 usage error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const USAGE =
  'usage: ort_run.js MODEL.onnx --input NAME=FILE.npy [--input NAME=FILE.npy ...] --output-dir DIR\n' +
  '                  [--threads N] [--graph-opt disabled|basic|extended|all] [--quiet]\n' +
  '       ort_run.js --batch JOBS.json [--threads N] [--graph-opt ...]';

class UserError extends Error {}

function fail(msg, code = 1) {
  process.stderr.write(`ort_run.js: error: ${msg}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------------------
// .npy reading / writing
// ---------------------------------------------------------------------------------------------------------

// numpy descr (without byte-order char) -> [onnxruntime type, TypedArray, item size]
const NPY_TYPES = {
  f4: ['float32', Float32Array, 4],
  f8: ['float64', Float64Array, 8],
  i8: ['int64', BigInt64Array, 8],
  i4: ['int32', Int32Array, 4],
  i2: ['int16', Int16Array, 2],
  i1: ['int8', Int8Array, 1],
  u1: ['uint8', Uint8Array, 1],
  b1: ['bool', Uint8Array, 1],
};
const ORT_TO_DESCR = {
  float32: '<f4',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
};

/** Parses the python-literal header dict of a .npy file. */
function parseNpyHeader(text, file) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new UserError(`${file}: malformed .npy header (need 'descr', 'fortran_order', 'shape'): ${text.trim()}`);
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new UserError(`${file}: bad dimension '${s}' in .npy shape (${shape[1]})`);
      return Number(s);
    });
  return { descr: descr[1], fortran: fortran[1] === 'True', dims };
}

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read input file '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
  if (buf.length < 10 || !buf.subarray(0, 6).equals(magic)) {
    throw new UserError(`${file}: not a .npy file (bad magic)`);
  }
  const major = buf[6];
  let headerLen;
  let headerStart;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new UserError(`${file}: truncated .npy header`);
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new UserError(`${file}: unsupported .npy format version ${major}.${buf[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > buf.length) throw new UserError(`${file}: truncated .npy header`);
  const hdr = parseNpyHeader(buf.subarray(headerStart, dataStart).toString('latin1'), file);
  if (hdr.fortran) {
    throw new UserError(`${file}: Fortran-order arrays are not supported; save with np.ascontiguousarray(a)`);
  }
  const order = hdr.descr[0];
  const code = hdr.descr.slice(1);
  const info = NPY_TYPES[code];
  if (!info || !['<', '|', '='].includes(order) || (order === '|' && info[2] !== 1)) {
    throw new UserError(
      `${file}: unsupported dtype '${hdr.descr}' (supported: little-endian float32, float64, int64, int32, int16, ` +
        `int8, uint8, bool)`,
    );
  }
  const [ortType, TypedArray, itemSize] = info;
  const count = hdr.dims.reduce((a, b) => a * b, 1);
  const nbytes = count * itemSize;
  if (buf.length - dataStart !== nbytes) {
    throw new UserError(
      `${file}: data size mismatch: shape (${hdr.dims.join(', ')}) of ${hdr.descr} needs ${nbytes} bytes, ` +
        `file has ${buf.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned ArrayBuffer (the data offset inside the file need not be aligned).
  const ab = new ArrayBuffer(nbytes);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + nbytes));
  return { type: ortType, dims: hdr.dims, data: new TypedArray(ab) };
}

/** Serialises a typed array as .npy v1.0 with a 64-byte aligned header. */
function npyBytes(descr, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + len(2) + header + '\n'
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new UserError(`output header too long for .npy v1.0 (shape ${shape})`);
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

// ---------------------------------------------------------------------------------------------------------
// command line
// ---------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { model: null, inputs: [], outputDir: null, threads: 1, graphOpt: 'all', quiet: false, batch: null };
  const needValue = (i, flag) => {
    if (i + 1 >= argv.length) fail(`${flag} needs a value\n${USAGE}`, 2);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inlineValue = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inlineValue = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => (inlineValue !== null ? inlineValue : needValue(i++, a));
    switch (a) {
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      case '--input': {
        const v = value();
        const k = v.indexOf('=');
        if (k <= 0 || k === v.length - 1) fail(`--input expects NAME=FILE.npy, got '${v}'`, 2);
        opts.inputs.push({ name: v.slice(0, k), file: v.slice(k + 1) });
        break;
      }
      case '--output-dir':
        opts.outputDir = value();
        break;
      case '--threads': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1) fail(`--threads expects a positive integer, got '${v}'`, 2);
        opts.threads = Number(v);
        break;
      }
      case '--graph-opt': {
        const v = value();
        if (!['disabled', 'basic', 'extended', 'all'].includes(v)) {
          fail(`--graph-opt expects disabled|basic|extended|all, got '${v}'`, 2);
        }
        opts.graphOpt = v;
        break;
      }
      case '--quiet':
        opts.quiet = true;
        break;
      case '--batch':
        opts.batch = value();
        break;
      default:
        if (a.startsWith('-')) fail(`unknown option '${a}'\n${USAGE}`, 2);
        if (opts.model !== null) fail(`more than one model given ('${opts.model}', '${a}')\n${USAGE}`, 2);
        opts.model = a;
    }
  }
  if (opts.batch !== null) {
    if (opts.model !== null || opts.inputs.length > 0 || opts.outputDir !== null) {
      fail(`--batch takes its models, inputs and output directories from the manifest\n${USAGE}`, 2);
    }
    return opts;
  }
  if (opts.model === null) fail(`no model given\n${USAGE}`, 2);
  if (opts.outputDir === null) fail(`--output-dir is required\n${USAGE}`, 2);
  return opts;
}

function safeFileName(name) {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

function shapeStr(dims) {
  return `[${dims.join(',')}]`;
}

// ---------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (os.endianness() !== 'LE') throw new UserError('this harness assumes a little-endian host');
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    throw new UserError(`cannot load onnxruntime-node (run scripts/npm-setup.sh first): ${e.message}`);
  }
  if (opts.batch === null) {
    await runOne(ort, opts);
    return;
  }
  let jobs;
  try {
    jobs = JSON.parse(fs.readFileSync(opts.batch, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read the job list '${opts.batch}': ${e.message}`);
  }
  if (!Array.isArray(jobs)) throw new UserError(`${opts.batch}: expected a list of jobs`);
  for (const job of jobs) {
    const one = {
      ...opts,
      model: job.model,
      outputDir: job.output_dir,
      inputs: Object.entries(job.inputs || {}).map(([name, file]) => ({ name, file })),
      quiet: true,
    };
    try {
      await runOne(ort, one);
      process.stdout.write(`ok ${job.model}\n`);
    } catch (e) {
      const msg = (e && e.message ? e.message : `${e}`).replace(/\s+/g, ' ');
      process.stdout.write(`error ${job.model}: ${msg}\n`);
    }
  }
}

/** Runs one model on its inputs and writes its outputs; throws UserError on any failure. */
async function runOne(ort, opts) {
  if (!fs.existsSync(opts.model)) throw new UserError(`model file '${opts.model}' does not exist`);

  // Read all inputs before touching the model so that file errors are reported first.
  const seen = new Set();
  const feeds = {};
  for (const { name, file } of opts.inputs) {
    if (seen.has(name)) throw new UserError(`input '${name}' given more than once`);
    seen.add(name);
    const t = readNpy(file);
    feeds[name] = { ...t, file };
  }

  let session;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: opts.graphOpt,
    });
  } catch (e) {
    throw new UserError(`${opts.model}: onnxruntime failed to load the model: ${e.message}`);
  }

  const inputMeta = {};
  for (const m of session.inputMetadata || []) inputMeta[m.name] = m;
  for (const name of Object.keys(feeds)) {
    if (!session.inputNames.includes(name)) {
      throw new UserError(
        `${opts.model}: model has no input named '${name}' (inputs: ${session.inputNames.join(', ')})`,
      );
    }
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length > 0) {
    throw new UserError(`${opts.model}: no --input given for model input(s): ${missing.join(', ')}`);
  }

  const ortFeeds = {};
  for (const [name, t] of Object.entries(feeds)) {
    const m = inputMeta[name];
    if (m && m.isTensor) {
      if (m.type !== t.type) {
        throw new UserError(
          `input '${name}' (${t.file}): dtype ${t.type} but the model expects ${m.type}`,
        );
      }
      const want = m.shape;
      const ok =
        want.length === t.dims.length && want.every((d, i) => typeof d !== 'number' || d < 0 || d === t.dims[i]);
      if (!ok) {
        throw new UserError(
          `input '${name}' (${t.file}): shape ${shapeStr(t.dims)} does not match the model's ` +
            `${shapeStr(want.map((d) => (typeof d === 'number' && d >= 0 ? d : `${d}`)))}`,
        );
      }
    }
    ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  }

  const t0 = process.hrtime.bigint();
  let results;
  try {
    results = await session.run(ortFeeds);
  } catch (e) {
    throw new UserError(`${opts.model}: onnxruntime failed to run the model: ${e.message}`);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;

  try {
    fs.mkdirSync(opts.outputDir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create output directory '${opts.outputDir}': ${e.message}`);
  }
  const used = new Map();
  for (const name of session.outputNames) {
    const t = results[name];
    const descr = ORT_TO_DESCR[t.type];
    if (!descr) throw new UserError(`output '${name}' has element type ${t.type}, which cannot be written as .npy`);
    const fname = safeFileName(name);
    if (used.has(fname)) {
      throw new UserError(`outputs '${used.get(fname)}' and '${name}' map to the same file name '${fname}.npy'`);
    }
    used.set(fname, name);
    const out = path.join(opts.outputDir, `${fname}.npy`);
    try {
      fs.writeFileSync(out, npyBytes(descr, t.dims, t.data));
    } catch (e) {
      throw new UserError(`cannot write '${out}': ${e.message}`);
    }
    if (!opts.quiet) {
      const renamed = fname !== name ? ` (output name '${name}')` : '';
      process.stdout.write(`${out}: ${t.type} ${shapeStr(t.dims)}${renamed}\n`);
    }
  }
  if (!opts.quiet) {
    process.stdout.write(
      `ran ${path.basename(opts.model)} with onnxruntime-node ${ort.env.versions.node} (cpu, ${opts.threads} ` +
        `thread(s), graph-opt ${opts.graphOpt}) in ${ms.toFixed(1)} ms\n`,
    );
  }
  await session.release();
}

main().catch((e) => {
  if (e instanceof UserError) fail(e.message);
  fail(`internal error: ${e && e.stack ? e.stack : e}`);
});
