/*
 * drv_vec: a test driver with outputv and port-level locking, for the driver queue
 * (driver_enqv/pushqv/pushq/pushq_bin/enq_bin/peekqv/deq/sizeq), driver_outputv,
 * driver_vec_to_buf and port data locks. The first byte of each command selects:
 *   'v' driver_outputv of the rest, header "V"   'q' driver_enqv of the rest
 *   'p' driver_pushqv of the rest                'h' push "<<" (pushq) and "[[" (pushq_bin)
 *   'r' send the queue (driver_outputv of driver_peekqv), then dequeue it all
 *   'l' port data lock: create, lock, unlock, reference counts
 *   's' the size of the command vector
 */
#include <string.h>

#include <erl_driver.h>

typedef struct {
    ErlDrvPort port;
    ErlDrvPDL pdl;
} vec_t;

static ErlDrvData vec_start(ErlDrvPort port, char *cmd)
{
    vec_t *v = driver_alloc(sizeof(vec_t));
    (void)cmd;
    v->port = port;
    v->pdl = NULL;
    return (ErlDrvData)v;
}

static void vec_stop(ErlDrvData d)
{
    driver_free(d);
}

static void report(vec_t *v, const char *tag, long n)
{
    ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom((char *)tag),
                             ERL_DRV_INT, (ErlDrvTermData)n, ERL_DRV_TUPLE, 2};
    erl_drv_output_term(driver_mk_port(v->port), spec, 6);
}

static void vec_outputv(ErlDrvData d, ErlIOVec *ev)
{
    vec_t *v = (vec_t *)d;
    char first[1];
    if (driver_vec_to_buf(ev, first, 1) != 1) {
        report(v, "empty", (long)ev->size);
        return;
    }
    switch (first[0]) {
    case 'v':
        driver_outputv(v->port, "V", 1, ev, 1);
        break;
    case 'q':
        driver_enqv(v->port, ev, 1);
        report(v, "sizeq", (long)driver_sizeq(v->port));
        break;
    case 'p':
        driver_pushqv(v->port, ev, 1);
        report(v, "sizeq", (long)driver_sizeq(v->port));
        break;
    case 'h': {
        ErlDrvBinary *b = driver_alloc_binary(4);
        memcpy(b->orig_bytes, "x[[y", 4);
        driver_pushq(v->port, "<<", 2);
        driver_pushq_bin(v->port, b, 1, 2);
        driver_enq_bin(v->port, b, 3, 1);
        report(v, "bin_refc", driver_binary_get_refc(b));
        driver_free_binary(b);
        report(v, "sizeq", (long)driver_sizeq(v->port));
        break;
    }
    case 'r': {
        ErlIOVec qev;
        ErlDrvSizeT size = driver_peekqv(v->port, &qev);
        char buf[256];
        ErlDrvSizeT got = driver_vec_to_buf(&qev, buf, sizeof(buf));
        report(v, "peek", (long)size);
        report(v, "copied", (long)got);
        driver_outputv(v->port, "Q", 1, &qev, 0);
        report(v, "left", (long)driver_deq(v->port, size));
        break;
    }
    case 'l': {
        ErlDrvPDL p = driver_pdl_create(v->port);
        report(v, "pdl_created", p != NULL);
        report(v, "pdl_again", driver_pdl_create(v->port) != NULL);
        driver_pdl_lock(p);
        driver_enq(v->port, "L", 1);
        driver_pdl_unlock(p);
        report(v, "pdl_inc", driver_pdl_inc_refc(p));
        report(v, "pdl_dec", driver_pdl_dec_refc(p));
        report(v, "pdl_refc", driver_pdl_get_refc(p));
        v->pdl = p;
        break;
    }
    case 's':
        report(v, "size", (long)ev->size);
        break;
    default:
        report(v, "unknown", first[0]);
    }
}

static ErlDrvEntry vec_entry = {
    NULL, vec_start, vec_stop, NULL, NULL, NULL, "drv_vec", NULL, NULL,
    NULL, NULL, vec_outputv, NULL, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    ERL_DRV_FLAG_USE_PORT_LOCKING, NULL, NULL, NULL, NULL,
};

DRIVER_INIT(drv_vec)
{
    return &vec_entry;
}
