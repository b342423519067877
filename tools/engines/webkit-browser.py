#!/usr/bin/python3
"""A WebKitGTK browser for WebKitWebDriver, as tools/engines/webkit.ts starts it.

WebKitWebDriver launches it from the `webkitgtk:browserOptions` capability. Unlike the stock
MiniBrowser, it keeps a profile (--data-dir) or browses privately (--ephemeral), and writes the
pages' console messages to stdout, where they show up on WebKitWebDriver's output.

Usage: webkit-browser.py (--data-dir DIR | --ephemeral)
       webkit-browser.py --check    exits 0 when WebKitGTK can be loaded

Debian's python3-gi, gir1.2-gtk-3.0 and gir1.2-webkit2-4.1 provide `gi`, GTK 3 and WebKit2 4.1
for /usr/bin/python3.
"""

import argparse
import sys

try:
    import gi

    gi.require_version('Gtk', '3.0')
    gi.require_version('WebKit2', '4.1')
    from gi.repository import Gtk, WebKit2
except (ImportError, ValueError) as error:
    sys.exit(f"{error}: install Debian's python3-gi gir1.2-gtk-3.0 gir1.2-webkit2-4.1 for {sys.executable}")

# WebKitWebDriver matches this against the session's browserName: vitest's webdriverio
# provider only knows 'safari' for WebKit.
APPLICATION_NAME = 'safari'


def parse_args(argv):
    parser = argparse.ArgumentParser(description='A WebKitGTK browser driven by WebKitWebDriver.')
    parser.add_argument('--check', action='store_true', help='exit at once: WebKitGTK loaded')
    storage = parser.add_mutually_exclusive_group()
    storage.add_argument('--data-dir', help='keep cookies, IndexedDB and caches in this directory')
    storage.add_argument('--ephemeral', action='store_true', help='keep nothing on disk (private browsing)')
    args = parser.parse_args(argv)
    if not (args.check or args.data_dir or args.ephemeral):
        parser.error('one of --data-dir DIR or --ephemeral is required')
    return args


def main(argv):
    args = parse_args(argv)
    if args.check:
        return 0
    if args.ephemeral:
        data = WebKit2.WebsiteDataManager.new_ephemeral()
    else:
        data = WebKit2.WebsiteDataManager(base_data_directory=args.data_dir, base_cache_directory=args.data_dir + '/cache')
    context = WebKit2.WebContext(website_data_manager=data)
    if not args.ephemeral:
        # WebKitGTK keeps cookies in memory unless told where to write them, as Safari does.
        context.get_cookie_manager().set_persistent_storage(
            args.data_dir + '/cookies.sqlite', WebKit2.CookiePersistentStorage.SQLITE)
    # This browser exists to be driven: WebKitWebDriver connects as soon as it starts.
    context.set_automation_allowed(True)

    settings = WebKit2.Settings()
    settings.set_enable_write_console_messages_to_stdout(True)
    settings.set_enable_developer_extras(True)

    windows = []

    def close(view, window):
        window.destroy()
        windows.remove(window)
        if not windows:
            Gtk.main_quit()

    def show(view):
        window = Gtk.Window()
        window.set_default_size(1280, 800)
        window.add(view)
        view.connect('close', close, window)
        windows.append(window)
        window.show_all()
        return view

    def new_view(related=None):
        if related is not None:
            # A page's window.open: same process and session as its opener.
            return WebKit2.WebView(related_view=related, settings=settings, is_controlled_by_automation=True)
        return WebKit2.WebView(web_context=context, settings=settings, is_controlled_by_automation=True)

    def on_create(view, _action):
        created = new_view(related=view)
        created.connect('ready-to-show', show)
        created.connect('create', on_create)
        return created

    def on_create_web_view(_session):
        view = new_view()
        view.connect('create', on_create)
        return show(view)

    def on_automation_started(_context, session):
        info = WebKit2.ApplicationInfo()
        info.set_name(APPLICATION_NAME)
        info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
        session.set_application_info(info)
        session.connect('create-web-view', on_create_web_view)

    context.connect('automation-started', on_automation_started)
    Gtk.main()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
