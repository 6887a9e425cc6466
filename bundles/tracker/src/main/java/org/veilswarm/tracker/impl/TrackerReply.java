package org.veilswarm.tracker.impl;

/**
 * What the server answers: an HTTP status code and a bencoded body.
 *
 * @param status 200 for every tracker answer, failures included (BEP 3); 404 for any path that names no
 *               share; 405 for methods other than GET on a share path
 * @param body the bencoded body
 */
record TrackerReply(int status, byte[] body) {
}
