/**
 * Labelled data: reading JSONL and CSV files into {@link org.trainguard.trainer.data.LabeledData},
 * data errors that name file and line ({@link org.trainguard.trainer.data.DataFormatException},
 * exit code 3), and stratified hold-out splits.
 */
package org.trainguard.trainer.data;
