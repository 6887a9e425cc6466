"""Drives libtorrent (python3-libtorrent, run with /usr/bin/python3) against a Veilswarm tracker on loopback.

  create <dir> <tracker_url>                   writes <dir>/seed/payload.bin and <dir>/test.torrent (v1),
                                               prints {"info_hash": "<40 hex>"}
  swarm <dir> <secs>                           a seeder and a downloader session, both told only the
                                               tracker; prints one JSON line with the outcome and the
                                               ports the two sessions listened on
"""
import json
import os
import sys
import time

import libtorrent as lt


def settings():
    return {
        # Port 0: the kernel picks a free port (a port chosen beforehand could be taken by another process
        # before libtorrent binds it); the outcome reports the ports the sessions got.
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'dht_bootstrap_nodes': '',
        'allow_multiple_connections_per_ip': True,
        'enable_incoming_utp': False, 'enable_outgoing_utp': False,
        'in_enc_policy': 2, 'out_enc_policy': 2,  # pe_disabled
        'ssrf_mitigation': False,  # else a loopback tracker whose path is not /announce is refused
        'alert_mask': lt.alert.category_t.tracker_notification | lt.alert.category_t.error_notification
                      | lt.alert.category_t.status_notification | lt.alert.category_t.connect_notification,
    }


def create(directory, tracker_url):
    seed_dir = os.path.join(directory, 'seed')
    os.makedirs(seed_dir, exist_ok=True)
    with open(os.path.join(seed_dir, 'payload.bin'), 'wb') as f:
        f.write(os.urandom(384 * 1024))
    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(seed_dir, 'payload.bin'))
    ct = lt.create_torrent(fs, 32 * 1024, lt.create_torrent.v1_only)
    ct.add_tracker(tracker_url)
    lt.set_piece_hashes(ct, seed_dir)
    data = lt.bencode(ct.generate())
    with open(os.path.join(directory, 'test.torrent'), 'wb') as f:
        f.write(data)
    info = lt.torrent_info(os.path.join(directory, 'test.torrent'))
    print(json.dumps({'info_hash': str(info.info_hashes().v1)}))


def add(session, directory, save_path):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(os.path.join(directory, 'test.torrent'))
    params.save_path = save_path
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags &= ~lt.torrent_flags.paused
    return session.add_torrent(params)


def swarm(directory, seconds):
    seeder = lt.session(settings())
    seed = add(seeder, directory, os.path.join(directory, 'seed'))
    deadline = time.time() + seconds
    tracker_replies = {'seeder': 0, 'leecher': 0}
    errors = []
    peers_seen = set()

    def drain(session, who):
        for a in session.pop_alerts():
            if isinstance(a, lt.peer_connect_alert) and who == 'leecher':
                # The downloader's outgoing connections: it knows peers only from the tracker.
                peers_seen.add('%s:%d' % tuple(a.endpoint))
            elif isinstance(a, lt.tracker_reply_alert):
                tracker_replies[who] += 1
            elif isinstance(a, (lt.tracker_error_alert, lt.tracker_warning_alert)):
                errors.append('%s: %s' % (who, a.message()))

    # The seeder must have announced (and checked its data) before the downloader asks for peers.
    while time.time() < deadline and (tracker_replies['seeder'] == 0 or not seed.status().is_seeding):
        drain(seeder, 'seeder')
        time.sleep(0.05)

    leecher = lt.session(settings())
    os.makedirs(os.path.join(directory, 'leech'), exist_ok=True)
    leech = add(leecher, directory, os.path.join(directory, 'leech'))
    while time.time() < deadline and not leech.status().is_seeding:
        drain(seeder, 'seeder')
        drain(leecher, 'leecher')
        for p in leech.get_peer_info():
            peers_seen.add('%s:%d' % p.ip)
        time.sleep(0.05)
    drain(leecher, 'leecher')
    status = leech.status()
    print(json.dumps({
        'seed_port': seeder.listen_port(),
        'leech_port': leecher.listen_port(),
        'seeder_is_seeding': seed.status().is_seeding,
        'downloaded': status.is_seeding,
        'progress': status.progress,
        'peers_seen': sorted(peers_seen),
        'tracker_replies': tracker_replies,
        'errors': errors,
    }))
    # Stop both torrents so that they announce "stopped" before the sessions go away.
    seeder.remove_torrent(seed)
    leecher.remove_torrent(leech)
    time.sleep(0.5)


if __name__ == '__main__':
    if sys.argv[1] == 'create':
        create(sys.argv[2], sys.argv[3])
    else:
        swarm(sys.argv[2], float(sys.argv[3]))
