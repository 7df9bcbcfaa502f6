/**
 * Hashed text features: the {@link org.trainguard.trainer.features.Featurizer} that turns any
 * text (English, Japanese, Chinese, ...) into stable bucket ids, its
 * {@link org.trainguard.trainer.features.FeatureSettings}, and the on-disk
 * {@link org.trainguard.trainer.features.FeatureCache} that saves featurising again after a restart.
 */
package org.trainguard.trainer.features;
