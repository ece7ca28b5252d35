// The study's model 3, a convolutional autoencoder, exactly as the study wrote it
// (shapes for one 28x28 image; every conv is 3x3):
//
//   encoder.layer1  Conv2d(1,16,p1)  ReLU BN(16)   Conv2d(16,32,p1) ReLU BN(32)
//                   Conv2d(32,64,p1) ReLU BN(64)   MaxPool2d(2,2)            -> 64 x 14 x 14
//   encoder.layer2  Conv2d(64,128,p1) ReLU BN(128) MaxPool2d(2,2)
//                   Conv2d(128,256,p1) ReLU                                   -> 256 x 7 x 7 (the code)
//   decoder.layer1  ConvTranspose2d(256,128,s2,p1,op1) ReLU BN(128)          -> 128 x 14 x 14
//                   Conv2d(128,64,s1,p1) ReLU BN(64)
//   decoder.layer2  ConvTranspose2d(64,16,s1,p1) ReLU BN(16)
//                   ConvTranspose2d(16,1,s2,p1,op1) ReLU                      -> 1 x 28 x 28
//
// Note the study's order, ReLU before BatchNorm. 771,425 parameters; 53 state_dict entries
// with the BatchNorm buffers. The code (12,544 numbers) is 16 times larger than the image:
// this network can denoise well, but it does not compress.
#include "layers/activation.h"
#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/sequential.h"
#include "models/autoencoder.h"

namespace dae {

namespace {

// Conv2d(in, out, 3, padding 1), ReLU, BatchNorm2d(out): the study's repeated block.
void add_conv_relu_bn(Sequential& s, int64_t in, int64_t out, TorchCpuGenerator& g) {
  s.add(std::make_shared<Conv2d>(in, out, 3, ConvOptions{1, 1, 0}, g))
      .add(std::make_shared<ReLU>())
      .add(std::make_shared<BatchNorm2d>(out));
}

}  // namespace

std::shared_ptr<Autoencoder> make_conv_autoencoder(TorchCpuGenerator& g) {
  auto encoder_layer1 = std::make_shared<Sequential>();
  add_conv_relu_bn(*encoder_layer1, 1, 16, g);
  add_conv_relu_bn(*encoder_layer1, 16, 32, g);
  add_conv_relu_bn(*encoder_layer1, 32, 64, g);
  encoder_layer1->add(std::make_shared<MaxPool2d>());

  auto encoder_layer2 = std::make_shared<Sequential>();
  add_conv_relu_bn(*encoder_layer2, 64, 128, g);
  encoder_layer2->add(std::make_shared<MaxPool2d>())
      .add(std::make_shared<Conv2d>(128, 256, 3, ConvOptions{1, 1, 0}, g))
      .add(std::make_shared<ReLU>());

  auto decoder_layer1 = std::make_shared<Sequential>();
  decoder_layer1->add(std::make_shared<ConvTranspose2d>(256, 128, 3, ConvOptions{2, 1, 1}, g))
      .add(std::make_shared<ReLU>())
      .add(std::make_shared<BatchNorm2d>(128));
  add_conv_relu_bn(*decoder_layer1, 128, 64, g);

  auto decoder_layer2 = std::make_shared<Sequential>();
  decoder_layer2->add(std::make_shared<ConvTranspose2d>(64, 16, 3, ConvOptions{1, 1, 0}, g))
      .add(std::make_shared<ReLU>())
      .add(std::make_shared<BatchNorm2d>(16))
      .add(std::make_shared<ConvTranspose2d>(16, 1, 3, ConvOptions{2, 1, 1}, g))
      .add(std::make_shared<ReLU>());

  auto encoder = std::make_shared<Sequential>();
  encoder->add("layer1", encoder_layer1).add("layer2", encoder_layer2);
  auto decoder = std::make_shared<Sequential>();
  decoder->add("layer1", decoder_layer1).add("layer2", decoder_layer2);
  return std::make_shared<Autoencoder>("conv", encoder, decoder, std::vector<int64_t>{1, kImageSide, kImageSide});
}

}  // namespace dae
