package org.trainguard.examples.demo;

/** The language a request is written in; each has its own intents, phrasings and surface habits. */
enum Language {
    /** English, about 70% of the rows. */
    ENGLISH,
    /** Japanese written without spaces, about 30% of the rows. */
    JAPANESE
}
