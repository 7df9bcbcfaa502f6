package org.trainguard.cli;

import picocli.CommandLine;

/**
 * A program's {@code --version} lines from its jar's manifest ({@link Cli#version}); a program names itself in a
 * subclass with a constructor that takes no arguments, which picocli creates.
 */
public abstract class ManifestVersion implements CommandLine.IVersionProvider {

    private final String program;
    private final Class<?> anyClass;

    /**
     * @param program the program's name, e.g. {@code trainer}
     * @param anyClass a class of the program's jar
     */
    protected ManifestVersion(String program, Class<?> anyClass) {
        this.program = program;
        this.anyClass = anyClass;
    }

    @Override
    public String[] getVersion() {
        return Cli.version(program, anyClass);
    }
}
