// Package netif is goalived's kernel side: raw VRRP sockets, virtual
// addresses and gratuitous ARP / unsolicited neighbour advertisements.
package netif
