"""Helpers shared by test suites (not tests themselves): `tcp_proxy.TcpProxy`."""
