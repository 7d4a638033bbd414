/* Map names: each written once. The loader pins maps by these names under
 * SFW_PIN_ROOT, and the CLI opens the same pins. */
#ifndef SFW_MAPS_H
#define SFW_MAPS_H

#define SFW_PIN_ROOT "/sys/fs/bpf/sfw"

#define SFW_MAP_SESSIONS   sfw_sessions
#define SFW_MAP_CONFIG     sfw_config
#define SFW_MAP_IFACE_STATS sfw_iface_stats
#define SFW_MAP_IFACES     sfw_ifaces
#define SFW_MAP_ID_NEXT    sfw_id_next
#define SFW_MAP_ID_BLOCK   sfw_id_block

#define SFW_STR_(x) #x
#define SFW_STR(x) SFW_STR_(x)

#define SFW_MAX_IFACES 256

#endif
