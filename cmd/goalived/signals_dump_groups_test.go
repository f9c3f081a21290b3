package main

// dumpCompareConf4 has what keepalived.data shows of sync group tracking
// and static items: a sync group with sync_group_tracking_weight, its own
// track_script (a vrrp_script without timeout) and track_interface (eth2,
// down: its negative weight counts) and notify_priority_changes (which
// its members take), static addresses, routes and rules
// naming a track_group, the e-mail settings with smtp_alert_vrrp turned
// on (VI_B turns it off) and a no_track VIP. The SMTP server does not
// exist: the alerts fail, the dumps show the settings.
const dumpCompareConf4 = `global_defs {
  router_id dump_cmp4
  notification_email {
    ops@example.com
    noc@example.com
  }
  notification_email_from ka@example.com
  smtp_server 192.0.2.1 2525
  smtp_helo_name lb.example.com
  smtp_connect_timeout 5
  smtp_alert_vrrp
}
vrrp_script chk_nt {
  script "/bin/true"
  interval 1
}
track_group TG {
  group {
    VI_A
  }
}
static_ipaddress {
  198.51.100.250/24 dev eth1 track_group TG
  198.51.100.251/24 dev eth1 home noprefixroute
}
static_routes {
  203.0.113.0/24 via 198.51.100.1 dev eth1 track_group TG
  blackhole 203.0.115.0/24
}
static_rules {
  from 198.51.100.250 iif eth1 table 101 priority 100 track_group TG
  to 203.0.113.0/24 table 102 priority 101
}
vrrp_sync_group VG {
  group {
    VI_A
    VI_B
  }
  track_script {
    chk_nt weight 5
  }
  track_interface {
    eth2 weight -20
  }
  sync_group_tracking_weight
  notify_priority_changes
}
vrrp_instance VI_A {
  interface eth0
  virtual_router_id 85
  priority 100
  virtual_ipaddress {
    192.0.2.185/24
    192.0.2.186 no_track
  }
}
vrrp_instance VI_B {
  interface eth0
  virtual_router_id 86
  priority 100
  smtp_alert off
  virtual_ipaddress {
    192.0.2.187
  }
}
`

// dumpCompareConf5 sets the process knobs keepalived.data shows: the
// scheduling of the VRRP process (running realtime, so the current
// priority and time limit are shown too), its CPU (0, which keepalived
// 2.2.7 prints as an empty name), the process names and a VMAC prefix.
// The realtime time limit is generous: the test dumps again and again
// until the instance settled, and a goalived built with -race spends
// more than 50 ms of CPU on a few dumps without sleeping, for which the
// kernel kills a realtime process (RLIMIT_RTTIME).
const dumpCompareConf5 = `global_defs {
  router_id dump_cmp5
  max_auto_priority 20
  min_auto_priority_delay 500000
  vrrp_priority -5
  vrrp_no_swap
  vrrp_rt_priority 20
  vrrp_rlimit_rttime 1000000
  vrrp_cpu_affinity 0
  process_name ka_parent
  vrrp_process_name ka_vrrp
  vmac_prefix vx
}
vrrp_instance VI_P {
  interface eth0
  virtual_router_id 87
  priority 100
  virtual_ipaddress {
    192.0.2.188/24
  }
}
`
