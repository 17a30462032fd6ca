"""Gradient descent by hand, as in lecture 3 of Sung Kim's "PyTorch Zero to All".

The runnable companion to the blog post "PyTorch Lecture about Machine
Learning - 3: Gradient Descent". Standard library only, Python 3.9 or newer:

    python gradient_descent.py

prints what the lecture printed: w starts at 1.0 and slides towards 2.
"""

import argparse
import math
import sys

# ---------------------------------------------------------------------------
# The lecture: data, model, loss, gradient, training loop
# ---------------------------------------------------------------------------

# Training data: every point lies on y = 2 * x, so the best w is 2
x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


# Our model for the forward pass
def forward(x, w):
    return x * w


# Loss function: the squared error of one sample
def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) * (y_pred - y)


# Compute gradient: d loss / d w of (x * w - y) ** 2
def gradient(x, y, w):
    return 2 * x * (x * w - y)


# Training loop: one gradient step per sample, as in the lecture
def train(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None):
    """Return w after `epochs` passes over the data, starting from `w`.

    It prints nothing itself. If given, on_step(x_val, y_val, w, grad) is
    called before each update and on_epoch(epoch, w, l) after each epoch.
    Raises OverflowError as soon as w or the loss is no longer a finite number.
    """
    for epoch in range(epochs):
        for x_val, y_val in zip(x_data, y_data):
            # Compute derivative w.r.t to the learned weights
            grad = gradient(x_val, y_val, w)
            if on_step:
                on_step(x_val, y_val, w, grad)
            # Update the weights
            w = w - lr * grad
            # Compute the loss and print progress
            l = loss(x_val, y_val, w)
            if not math.isfinite(l):  # w is infinite or nan too, or soon will be
                raise OverflowError(f"w = {w}, loss = {l} in epoch {epoch}")
        if on_epoch:
            on_epoch(epoch, w, l)
    return w


# The lecture's printed lines: one per step, one per epoch
def print_grad(x_val, y_val, w, grad):
    print("\tgrad: ", x_val, y_val, round(grad, 2))


def print_progress(epoch, w, l):
    print("progress:", epoch, "w=", round(w, 2), "loss=", round(l, 2))


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Gradient descent on y = 2x, as in lecture 3 of PyTorch Zero to All.",
    )
    parser.parse_args(argv)
    w = 1.0
    # Before training
    print("Prediction (before training)", 4, forward(4, w))
    w = train(w, on_step=print_grad, on_epoch=print_progress)
    # After training
    print("Predicted score (after training)", "4 hours of studying: ", forward(4, w))
    return 0


if __name__ == "__main__":
    sys.exit(main())
