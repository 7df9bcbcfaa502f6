package org.trainguard.examples.demo;

/**
 * One generated request with its label; only {@code text} and {@code label} reach the data files.
 *
 * @param text the request as the user typed it
 * @param label the gate's decision
 * @param language the language it is written in
 * @param intentId the intent it was drawn from, for tests and diagnostics
 */
record DemoRow(String text, DemoLabel label, Language language, String intentId) {}
