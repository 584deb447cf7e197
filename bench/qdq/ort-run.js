// ort-run.js — runs a model on ONNX Runtime (onnxruntime-node, CPU EP) with
// one float32 .npy input and prints its first output against a .npy
// reference: the largest difference, also in units of STEP when given.
//
// Usage: node ort-run.js MODEL.onnx INPUT.npy REFERENCE.npy [STEP]
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

// A little-endian float32 C-order .npy (versions 1-3): shape and data.
function readNpy(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!/'descr': '<f4'/.test(header) || /'fortran_order': True/.test(header))
    throw new Error(`${path}: only little-endian float32 C-order arrays are read`);
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return { shape, data };
}

async function main() {
  const [model, inputPath, refPath, step] = process.argv.slice(2);
  if (!refPath) {
    console.error('usage: node ort-run.js MODEL.onnx INPUT.npy REFERENCE.npy [STEP]');
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(model);
  const input = readNpy(inputPath);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape) };
  const out = (await session.run(feeds))[session.outputNames[0]].data;
  const ref = readNpy(refPath).data;
  if (out.length !== ref.length) throw new Error(`ORT gives ${out.length} values, the reference ${ref.length}`);
  let worst = 0;
  for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]));
  const steps = step ? ` (${(worst / Number(step)).toFixed(3)} steps of ${step})` : '';
  console.log(`ort-vs-lathe: ${out.length} values, largest difference ${worst}${steps}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
