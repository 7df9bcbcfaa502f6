package org.trainguard.session.mirror;

import org.trainguard.config.MirrorConfig;
import org.trainguard.core.mirror.FolderTarget;
import org.trainguard.core.mirror.MirrorTarget;

/** Opens the target that {@code checkpoint.mirror} names. */
public final class Mirrors {

    private Mirrors() {}

    /**
     * @param config the mirror settings
     * @return a folder or bucket target; close it when the run ends
     */
    public static MirrorTarget open(MirrorConfig config) {
        return config.path()
                .<MirrorTarget>map(FolderTarget::new)
                .orElseGet(() -> new S3Target(config.s3().orElseThrow()));
    }
}
