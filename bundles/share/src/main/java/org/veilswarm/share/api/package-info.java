/**
 * Shares and downloads by share link, the services the console and the CLI drive:
 * {@link org.veilswarm.share.api.Shares} (look at what a folder reveals, share it, publish, revoke, remove) and
 * {@link org.veilswarm.share.api.Downloads} (download by link, pause, resume, remove, progress). Value types
 * carry only JDK types and API enums so they map to JSON directly. See docs/shares.md. 1.1.0:
 * {@link org.veilswarm.share.api.ShareOptions#services()}, the onion services of a share of its own. 1.2: shares
 * for authorized clients only ({@link org.veilswarm.share.api.ShareOptions#clientAuth()},
 * {@link org.veilswarm.share.api.Share#clientAuthKey()}, {@link org.veilswarm.share.api.Downloads#add(String,
 * java.nio.file.Path, String)}). 1.3: {@link org.veilswarm.share.api.DownloadState#STALLED}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.veilswarm.share.api;
