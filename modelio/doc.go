// Package modelio saves and loads trained networks as safetensors files
// (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the raw little-endian data. The format runs no code when
// read, and PyTorch users can load the weights with safetensors.torch;
// parameters keep nn.Sequential's state_dict names ("0.weight").
//
// neurite keeps the architecture (an ann.Spec), the input normalisation,
// the classes' names and the training state in the header's __metadata__,
// as strings, so a file is a complete model.
//
// EncodeONNX and WriteONNX export a network to ONNX for other runtimes;
// each layer writes its own operators ([ann.ONNXExporter]), so this
// package lists no layer types.
//
// # Errors
//
// Load treats the file as untrusted: it checks the header length against
// the file size before reading it, every tensor's dtype, shape and byte
// range against the data actually present, and rejects non-finite
// weights, with an error naming the tensor or field. The metadata is
// untrusted too: every number is bounded and must fit the architecture
// (classes against the output width), every name is bounded in length, so
// reading a file allocates in proportion to the file, never to what its
// header claims. Save refuses what Load would refuse.
package modelio
