"""How requests reach the app: in-process through ``responses``, or a loopback socket."""
