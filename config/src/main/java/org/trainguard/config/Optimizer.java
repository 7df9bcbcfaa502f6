package org.trainguard.config;

/** The optimizer ({@code training.optimizer}). */
public enum Optimizer {
    /** Adam with decoupled weight decay, using {@code adam_beta1}, {@code adam_beta2} and {@code adam_epsilon}. */
    ADAM,
    /** Plain stochastic gradient descent with weight decay. */
    SGD
}
