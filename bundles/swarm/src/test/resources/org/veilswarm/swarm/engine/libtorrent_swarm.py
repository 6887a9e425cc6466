"""libtorrent (python3-libtorrent 2.0.x) as the reference peer of the swarm engine tests, on 127.0.0.1 only.

Run with /usr/bin/python3:
  seed <torrent> <save_path>
      seeds an existing .torrent whose data is in save_path; prints "version=", "port=", "ready", then
      serves until its standard input closes, then prints "uploaded=<payload bytes>"
  create-seed <data_file> <piece_length> <v2|hybrid> <out.torrent>
      libtorrent makes the torrent (v2-only or hybrid) for data_file, then seeds it as above
  download <torrent or magnet link> <save_path> <peer_port> <timeout_seconds> [recheck|norecheck]
      downloads from the single peer 127.0.0.1:<peer_port>, then runs force_recheck; prints "seconds=" (add
      to seeding), "pieces=", "total_pieces=", "seeding=", "hash_failures=", "recheck_pieces=", "error="
"""
import os
import sys
import time

import libtorrent as lt


def loopback_session():
    return lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        "in_enc_policy": lt.enc_policy.disabled, "out_enc_policy": lt.enc_policy.disabled,
        "allow_multiple_connections_per_ip": True,
        "ssrf_mitigation": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })


def add(session, torrent, save_path):
    if torrent.startswith("magnet:"):
        params = lt.parse_magnet_uri(torrent)
    else:
        params = lt.add_torrent_params()
        with open(torrent, "rb") as f:
            params.ti = lt.torrent_info(lt.bdecode(f.read()))
    params.save_path = save_path
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    return session.add_torrent(params)


def seed(torrent, save_path):
    session = loopback_session()
    handle = add(session, torrent, save_path)
    deadline = time.time() + 120
    while time.time() < deadline and not handle.status().is_seeding:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_error_alert):
                sys.exit("error=" + alert.message())
    if not handle.status().is_seeding:
        sys.exit("error=not seeding after the hash check")
    print("version=" + lt.__version__)
    print("port=%d" % session.listen_port())
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our input
    print("uploaded=%d" % handle.status().total_payload_upload, flush=True)
    session.pause()


def create_seed(data_file, piece_length, mode, out):
    fs = lt.file_storage()
    lt.add_files(fs, data_file)
    flags = lt.create_torrent.v2_only if mode == "v2" else 0
    ct = lt.create_torrent(fs, int(piece_length), flags)
    save_path = os.path.dirname(os.path.abspath(data_file))
    lt.set_piece_hashes(ct, save_path)
    with open(out, "wb") as f:
        f.write(lt.bencode(ct.generate()))  # generate_buf() is broken in these bindings
    seed(out, save_path)


def settled_status(session, handle, seconds=10):
    """The torrent's status once its piece count agrees with its state: right after libtorrent turns to
    seeding, a status snapshot has been seen (once in CI) to count one piece fewer than the torrent has."""
    status = handle.status()
    end = time.time() + seconds
    while (status.is_seeding and handle.torrent_file() is not None
           and status.num_pieces < handle.torrent_file().num_pieces() and time.time() < end):
        session.wait_for_alert(100)
        session.pop_alerts()
        status = handle.status()
    return status


def download(torrent, save_path, peer_port, timeout, recheck="recheck"):
    session = loopback_session()
    start = time.time()
    handle = add(session, torrent, save_path)
    handle.connect_peer(("127.0.0.1", int(peer_port)))
    hash_failures = 0
    deadline = start + float(timeout)
    while time.time() < deadline and not handle.status().is_seeding:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.hash_failed_alert):
                hash_failures += 1
            elif isinstance(alert, lt.torrent_error_alert):
                print("error=" + alert.message())
        if handle.status().num_peers == 0:
            handle.connect_peer(("127.0.0.1", int(peer_port)))
    seconds = time.time() - start
    status = settled_status(session, handle)
    print("seconds=%.3f" % seconds)
    print("pieces=%d" % status.num_pieces)
    print("total_pieces=%d" % (handle.torrent_file().num_pieces() if handle.torrent_file() else -1))
    print("seeding=%d" % (1 if status.is_seeding else 0))
    print("hash_failures=%d" % hash_failures)
    print("downloaded=%d" % status.total_payload_download, flush=True)
    if status.is_seeding and recheck == "recheck":
        session.pop_alerts()
        handle.force_recheck()
        checked = False
        deadline = time.time() + 60
        while time.time() < deadline and not checked:
            session.wait_for_alert(200)
            for alert in session.pop_alerts():
                if isinstance(alert, lt.torrent_checked_alert):
                    checked = True
        print("recheck_done=%d" % (1 if checked else 0))
        print("recheck_pieces=%d" % handle.status().num_pieces, flush=True)
    session.pause()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        seed(*sys.argv[2:4])
    elif command == "create-seed":
        create_seed(*sys.argv[2:6])
    elif command == "download":
        download(*sys.argv[2:7])
    else:
        sys.exit("unknown command " + command)
