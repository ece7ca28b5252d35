"""The study's three autoencoders in PyTorch, the same structures (and state_dict keys) as
models/ in mnist-dae. Used by the benchmark and the interop scripts, never by the C++ code."""
from torch import nn


def linear_autoencoder():
    model = nn.Module()
    model.encoder = nn.Linear(784, 128)
    model.decoder = nn.Linear(128, 784)
    return model


def mlp_autoencoder():
    model = nn.Module()
    model.encoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128))
    model.decoder = nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 784))
    return model


def conv_autoencoder():
    def conv_relu_bn(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(cout)]

    encoder = nn.Module()
    encoder.layer1 = nn.Sequential(*conv_relu_bn(1, 16), *conv_relu_bn(16, 32), *conv_relu_bn(32, 64),
                                   nn.MaxPool2d(2, 2))
    encoder.layer2 = nn.Sequential(*conv_relu_bn(64, 128), nn.MaxPool2d(2, 2),
                                   nn.Conv2d(128, 256, 3, padding=1), nn.ReLU())
    decoder = nn.Module()
    decoder.layer1 = nn.Sequential(nn.ConvTranspose2d(256, 128, 3, 2, 1, 1), nn.ReLU(), nn.BatchNorm2d(128),
                                   nn.Conv2d(128, 64, 3, 1, 1), nn.ReLU(), nn.BatchNorm2d(64))
    decoder.layer2 = nn.Sequential(nn.ConvTranspose2d(64, 16, 3, 1, 1), nn.ReLU(), nn.BatchNorm2d(16),
                                   nn.ConvTranspose2d(16, 1, 3, 2, 1, 1), nn.ReLU())
    model = nn.Module()
    model.encoder = nn.Sequential()
    model.encoder.add_module("layer1", encoder.layer1)
    model.encoder.add_module("layer2", encoder.layer2)
    model.decoder = nn.Sequential()
    model.decoder.add_module("layer1", decoder.layer1)
    model.decoder.add_module("layer2", decoder.layer2)
    return model


BUILDERS = {"linear": linear_autoencoder, "mlp": mlp_autoencoder, "conv": conv_autoencoder}
IMAGE_SHAPES = {"linear": (784,), "mlp": (784,), "conv": (1, 28, 28)}


def make(name):
    """The model of that name, and a forward taking and returning [N, 784] like mnist-dae's."""
    model = BUILDERS[name]()
    shape = IMAGE_SHAPES[name]

    def forward(images):
        code = model.encoder(images.view(images.shape[0], *shape))
        return model.decoder(code).reshape(images.shape)

    return model, forward
