#!/usr/bin/python3
"""Writes the digits accuracy-check model and its data into this folder.

A small CNN is trained with PyTorch on scikit-learn's handwritten digits
(8x8 grey images, 10 classes, 1797 samples, pixel values 0..16 scaled to
[0, 1]) and exported to ONNX with a symbolic batch dimension.  Everything is
seeded, and training runs on one thread, so a run on the same library
versions writes the same files.

Files written:
  digits-cnn.onnx          the model: input "image" [N,1,8,8] float32,
                           output "logits" [N,10] float32
  train-images.npy         [N,1,8,8] float32, the split calibration uses
  train-labels.npy         [N] int64
  heldout-images.npy       [N,1,8,8] float32, the split accuracy is checked on
  heldout-labels.npy       [N] int64
  torch-predictions.npy    [N] int64, PyTorch's top-1 on the held-out split
  torch-logits.npy         [N,10] float32, PyTorch's logits on the held-out split

Needs Debian's python3-torch, python3-sklearn and python3-onnx; only this
script does, the committed files are enough to run the tests.
"""
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20261124
HELDOUT_FRACTION = 0.2
EPOCHS = 60
BATCH = 32

here = os.path.dirname(os.path.abspath(__file__))


class DigitsCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3)      # 8x8 -> 6x6
        self.conv2 = torch.nn.Conv2d(8, 16, 3)     # 6x6 -> 4x4
        self.pool = torch.nn.MaxPool2d(2)          # 4x4 -> 2x2
        self.fc = torch.nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    labels = digits.target.astype(np.int64)
    x_train, x_held, y_train, y_held = train_test_split(
        images, labels, test_size=HELDOUT_FRACTION, random_state=SEED,
        stratify=labels)

    model = DigitsCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    generator = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), BATCH):
            idx = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x_held)).numpy().astype(np.float32)
        train_pred = model(xt).argmax(1).numpy()
    predictions = logits.argmax(1).astype(np.int64)
    top2 = np.sort(logits, axis=1)[:, -2:]
    print("train top-1 %.2f%%, held-out top-1 %.2f%% (%d samples), "
          "smallest top-2 logit margin %.4g" % (
              100.0 * (train_pred == y_train).mean(),
              100.0 * (predictions == y_held).mean(), len(y_held),
              (top2[:, 1] - top2[:, 0]).min()))

    torch.onnx.export(model, torch.zeros(1, 1, 8, 8),
                      os.path.join(here, "digits-cnn.onnx"),
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
                      opset_version=13, do_constant_folding=True)

    np.save(os.path.join(here, "train-images.npy"), x_train)
    np.save(os.path.join(here, "train-labels.npy"), y_train)
    np.save(os.path.join(here, "heldout-images.npy"), x_held)
    np.save(os.path.join(here, "heldout-labels.npy"), y_held)
    np.save(os.path.join(here, "torch-predictions.npy"), predictions)
    np.save(os.path.join(here, "torch-logits.npy"), logits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
