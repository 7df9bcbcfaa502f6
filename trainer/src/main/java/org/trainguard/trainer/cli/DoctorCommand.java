package org.trainguard.trainer.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.trainguard.core.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer doctor}: the ND4J backend, devices, threads, memory and versions. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Show the ND4J backend, devices, threads, memory and versions.")
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r = Doctor.report();
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writeValueAsString(r));
        } else {
            r.forEach((k, v) -> {
                if (v instanceof Map<?, ?> sub) {
                    out.println(k + ":");
                    sub.forEach((a, b) -> out.printf("  %-28s %s%n", a, b));
                } else {
                    out.printf("%-30s %s%n", k, v);
                }
            });
        }
        out.flush();
        return 0;
    }
}
