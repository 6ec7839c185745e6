// Runs an ONNX model with onnxruntime-node, the independent reference for
// neurite's ONNX export (modelio's ONNX tests, the export command's test).
//
//   NODE_PATH=DIR/node_modules node ort_run.js MODEL IN.f32 DIMS OUT.f32
//
// IN.f32 and OUT.f32 are little-endian float32 arrays; the model's input is
// "input" of shape DIMS, comma-separated ("100,1,28,28"), and its output
// "output".
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inPath, dims, outPath] = process.argv.slice(2);
  const buf = fs.readFileSync(inPath);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const shape = dims.split(',').map(Number);
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const result = await session.run({ input: new ort.Tensor('float32', x, shape) });
  const y = result.output.data;
  fs.writeFileSync(outPath, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
}

main().catch((e) => {
  console.error(e.message || String(e));
  process.exit(1);
});
