#ifndef BF_CZEROMQ_SHIM_H
#define BF_CZEROMQ_SHIM_H

/* libzmq (Debian's libzmq3-dev), for the Jupyter kernel's sockets. */
#include <zmq.h>

#endif
