"""Loads the plugin that collects the tests written as data."""

pytest_plugins = ["tests.plugin"]
