package org.trainguard.trainer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/** What the machine offers for training: ND4J backend, devices, threads, memory, versions. */
final class Doctor {

    private Doctor() {}

    /** @return e.g. "ND4J CPU backend (nd4j-native), 2 threads" */
    static String backendLine() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        return backend + ", " + env.getOrDefault("omp.threads", "?") + " threads";
    }

    static Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "trainguard",
                Optional.ofNullable(Doctor.class.getPackage().getImplementationVersion())
                        .orElse("dev"));
        m.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("nd4j_backend", Nd4j.getBackend().getClass().getName());
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> nd = new LinkedHashMap<>();
        env.stringPropertyNames().stream().sorted().forEach(k -> nd.put(k, String.valueOf(env.get(k))));
        m.put("nd4j_environment", nd);
        m.put("devices", Nd4j.getAffinityManager().getNumberOfDevices());
        m.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        Runtime rt = Runtime.getRuntime();
        m.put("jvm_heap_max_mb", rt.maxMemory() >> 20);
        m.put("javacpp_max_bytes_mb", org.bytedeco.javacpp.Pointer.maxBytes() >> 20);
        m.put("javacpp_max_physical_bytes_mb", org.bytedeco.javacpp.Pointer.maxPhysicalBytes() >> 20);
        m.put("physical_memory_mb", org.bytedeco.javacpp.Pointer.totalPhysicalBytes() >> 20);
        // trainer.jar's manifest names trainguard's version for every package in it: read DL4J's and ND4J's own
        m.put("dl4j_version", mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
        m.put("nd4j_version", mavenVersion("org.nd4j", "nd4j-api"));
        return m;
    }

    /**
     * @return the version in the {@code pom.properties} Maven puts in an artifact's jar (kept in trainer.jar),
     *     or {@code unknown}
     */
    static String mavenVersion(String groupId, String artifactId) {
        String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (java.io.InputStream in = Doctor.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "unknown";
    }
}
