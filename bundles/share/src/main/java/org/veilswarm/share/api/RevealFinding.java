package org.veilswarm.share.api;

import java.util.Objects;

/**
 * One thing a share would reveal beyond its content.
 *
 * @param kind what was found
 * @param path where, relative to the shared path ("" for the shared path itself), '/'-separated
 * @param detail the revealing value (for example the author name found), shortened to 200 characters
 */
public record RevealFinding(Kind kind, String path, String detail) {

    /** Kinds of findings. */
    public enum Kind {
        /** A folder name that looks like a user name (home-directory patterns, see docs/shares.md). */
        USER_NAME_FOLDER,
        /** The shared path lies under a home directory whose name would appear in the share's name. */
        USER_NAME_IN_NAME,
        /** A hidden file or folder (name starting with '.'): often not meant to be shared. */
        HIDDEN_FILE,
        /** EXIF Artist or Copyright in a JPEG. */
        EXIF_AUTHOR,
        /** EXIF GPS position in a JPEG. */
        EXIF_GPS,
        /** EXIF camera body or lens serial number in a JPEG. */
        EXIF_CAMERA_SERIAL,
        /** PDF document information /Author. */
        PDF_AUTHOR,
        /** PDF document information /Creator or /Producer naming a person or machine. */
        PDF_CREATOR,
        /** Office Open XML docProps/core.xml dc:creator or cp:lastModifiedBy. */
        OFFICE_AUTHOR,
        /** A file that could not be read for the scan: nothing is known about its metadata. */
        UNREADABLE
    }

    public RevealFinding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "…";
        }
    }
}
