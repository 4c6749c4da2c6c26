/* Host (Linux) errno -> WASI preview1 errno. */
#include <errno.h>

#include "wasi.h"

uint32_t wasi_errno(int e) {
  switch (e) {
  case 0: return WE_SUCCESS;
  case E2BIG: return WE_2BIG;
  case EACCES: return WE_ACCES;
  case EADDRINUSE: return WE_ADDRINUSE;
  case EADDRNOTAVAIL: return WE_ADDRNOTAVAIL;
  case EAFNOSUPPORT: return WE_AFNOSUPPORT;
  case EAGAIN: return WE_AGAIN;
  case EALREADY: return WE_ALREADY;
  case EBADF: return WE_BADF;
  case EBADMSG: return WE_BADMSG;
  case EBUSY: return WE_BUSY;
  case ECANCELED: return WE_CANCELED;
  case ECHILD: return WE_CHILD;
  case ECONNABORTED: return WE_CONNABORTED;
  case ECONNREFUSED: return WE_CONNREFUSED;
  case ECONNRESET: return WE_CONNRESET;
  case EDEADLK: return WE_DEADLK;
  case EDESTADDRREQ: return WE_DESTADDRREQ;
  case EDOM: return WE_DOM;
  case EDQUOT: return WE_DQUOT;
  case EEXIST: return WE_EXIST;
  case EFAULT: return WE_FAULT;
  case EFBIG: return WE_FBIG;
  case EHOSTUNREACH: return WE_HOSTUNREACH;
  case EIDRM: return WE_IDRM;
  case EILSEQ: return WE_ILSEQ;
  case EINPROGRESS: return WE_INPROGRESS;
  case EINTR: return WE_INTR;
  case EINVAL: return WE_INVAL;
  case EIO: return WE_IO;
  case EISCONN: return WE_ISCONN;
  case EISDIR: return WE_ISDIR;
  case ELOOP: return WE_LOOP;
  case EMFILE: return WE_MFILE;
  case EMLINK: return WE_MLINK;
  case EMSGSIZE: return WE_MSGSIZE;
  case EMULTIHOP: return WE_MULTIHOP;
  case ENAMETOOLONG: return WE_NAMETOOLONG;
  case ENETDOWN: return WE_NETDOWN;
  case ENETRESET: return WE_NETRESET;
  case ENETUNREACH: return WE_NETUNREACH;
  case ENFILE: return WE_NFILE;
  case ENOBUFS: return WE_NOBUFS;
  case ENODEV: return WE_NODEV;
  case ENOENT: return WE_NOENT;
  case ENOEXEC: return WE_NOEXEC;
  case ENOLCK: return WE_NOLCK;
  case ENOLINK: return WE_NOLINK;
  case ENOMEM: return WE_NOMEM;
  case ENOMSG: return WE_NOMSG;
  case ENOPROTOOPT: return WE_NOPROTOOPT;
  case ENOSPC: return WE_NOSPC;
  case ENOSYS: return WE_NOSYS;
  case ENOTCONN: return WE_NOTCONN;
  case ENOTDIR: return WE_NOTDIR;
  case ENOTEMPTY: return WE_NOTEMPTY;
  case ENOTRECOVERABLE: return WE_NOTRECOVERABLE;
  case ENOTSOCK: return WE_NOTSOCK;
  case EOPNOTSUPP: return WE_NOTSUP; /* == ENOTSUP on Linux */
  case ENOTTY: return WE_NOTTY;
  case ENXIO: return WE_NXIO;
  case EOVERFLOW: return WE_OVERFLOW;
  case EOWNERDEAD: return WE_OWNERDEAD;
  case EPERM: return WE_PERM;
  case EPIPE: return WE_PIPE;
  case EPROTO: return WE_PROTO;
  case EPROTONOSUPPORT: return WE_PROTONOSUPPORT;
  case EPROTOTYPE: return WE_PROTOTYPE;
  case ERANGE: return WE_RANGE;
  case EROFS: return WE_ROFS;
  case ESPIPE: return WE_SPIPE;
  case ESRCH: return WE_SRCH;
  case ESTALE: return WE_STALE;
  case ETIMEDOUT: return WE_TIMEDOUT;
  case ETXTBSY: return WE_TXTBSY;
  case EXDEV: return WE_XDEV; /* openat2 escapes are mapped by wasi-path.c */
  default: return WE_IO;
  }
}
