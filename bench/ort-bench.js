// ort-bench.js — times a model on ONNX Runtime (onnxruntime-node, CPU) the
// way bench/engine/lathe-bench-engine does, and prints the same line:
//
//   model=NAME threads=T median_ms=… p95_ms=… cpu_ms=… gflops=… peak_rss_mib=… arena_mib=-
//
// Usage: node bench/ort-bench.js [--runs N] [--warmup N] [--threads 1,2] MODEL.onnx
// Inputs: the model's declared shapes (symbolic dims as 1), fixed-seed
// random floats.  Graph optimizations at ORT's default (all), one
// inter-op thread, intra-op threads as asked.
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const opts = { runs: 20, warmup: 3, threads: [1, 2], model: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = parseInt(argv[++i], 10);
    else if (argv[i] === '--warmup') opts.warmup = parseInt(argv[++i], 10);
    else if (argv[i] === '--threads') opts.threads = argv[++i].split(',').map((t) => parseInt(t, 10));
    else opts.model = argv[i];
  }
  if (!opts.model) {
    console.error('usage: node ort-bench.js [--runs N] [--warmup N] [--threads 1,2] MODEL.onnx');
    process.exit(2);
  }
  return opts;
}

// The "lathe.bench.macs" metadata written by make-models.py, read from the
// raw protobuf (the key and value are plain strings in it).
function modelMacs(bytes) {
  const text = bytes.toString('latin1');
  const at = text.indexOf('lathe.bench.macs');
  if (at < 0) return 0;
  const match = /\x12.([0-9]+)/s.exec(text.slice(at + 16, at + 64));
  return match ? Number(match[1]) : 0;
}

function randomInput(meta, seed) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state >>> 8) / (1 << 23) - 1.0;
  }
  return new ort.Tensor('float32', data, dims);
}

async function benchThreads(opts, bytes, name, threads) {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  session.inputNames.forEach((input, i) => {
    const meta = session.inputMetadata.find ? session.inputMetadata.find((m) => m.name === input) : session.inputMetadata[i];
    feeds[input] = randomInput(meta, 12345);
  });
  for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < opts.runs; i++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimes.push((cpu.user + cpu.system) / 1e3);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const median = times[Math.floor(opts.runs / 2)];
  const p95 = times[Math.ceil((opts.runs * 95) / 100) - 1];
  const macs = modelMacs(bytes);
  const gflops = macs > 0 ? ((2 * macs) / (median * 1e6)).toFixed(2) : '-';
  const rss = process.resourceUsage().maxRSS / 1024;
  const cpu = cpuTimes[Math.floor(opts.runs / 2)];
  console.log(`model=${name} threads=${threads} median_ms=${median.toFixed(3)} p95_ms=${p95.toFixed(3)} ` +
              `cpu_ms=${cpu.toFixed(3)} ` +
              `gflops=${gflops} peak_rss_mib=${rss.toFixed(1)} arena_mib=-`);
  await session.release();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const bytes = fs.readFileSync(opts.model);
  for (const threads of opts.threads) await benchThreads(opts, bytes, path.basename(opts.model), threads);
}

main().catch((e) => {
  console.error(`${process.argv.slice(2).pop()}: ${e.message}`);
  process.exit(1);
});
