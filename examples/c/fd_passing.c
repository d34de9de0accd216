/*
 * fd_passing FILE
 *
 * Privilege separation in miniature: the parent opens FILE and hands the
 * open descriptor to a child process over a Unix socket (SCM_RIGHTS); the
 * child, which never opened anything, reads the file through it and sends
 * back what it read. The parent checks the child's credentials too.
 *
 *   ./fd_passing /etc/hostname
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wirelane.h"

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

static int child(wl_conn *sock) {
    int fd = -1;
    int rc = wl_conn_recv_fd(sock, &fd); /* a new descriptor, close-on-exec */
    if (rc < 0) return fail("wl_conn_recv_fd", rc);
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) return 1;
    wl_set_passcred(wl_conn_fd(sock), false);
    rc = (int)wl_conn_send_with_credentials(sock, buf, (size_t)n);
    if (rc < 0) return fail("wl_conn_send_with_credentials", rc);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    wl_conn *parent = NULL, *kid = NULL;
    int rc = wl_conn_pair(&parent, &kid);
    if (rc < 0) return fail("wl_conn_pair", rc);
    rc = wl_set_passcred(wl_conn_fd(parent), true); /* before the child sends */
    if (rc < 0) return fail("wl_set_passcred", rc);

    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        wl_conn_free(parent);
        int status = child(kid);
        wl_conn_free(kid);
        _exit(status);
    }
    wl_conn_free(kid);

    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[1]);
        wl_conn_free(parent);
        return 1;
    }
    rc = wl_conn_send_fd(parent, fd);
    close(fd); /* the child has its own descriptor now */
    if (rc < 0) {
        wl_conn_free(parent);
        return fail("wl_conn_send_fd", rc);
    }

    char buf[257];
    wl_ucred cred;
    bool has_cred = false;
    ssize_t n = wl_conn_recv_with_credentials(parent, buf, sizeof buf - 1, &cred, &has_cred);
    wl_conn_free(parent);
    int status = 0;
    waitpid(pid, &status, 0);
    if (n < 0) return fail("wl_conn_recv_with_credentials", (int)n);
    buf[n] = '\0';
    printf("child %ld read %zd bytes through the passed descriptor: %s", has_cred ? (long)cred.pid : -1L,
           n, buf);
    if (n > 0 && buf[n - 1] != '\n') printf("\n");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && has_cred && cred.pid == pid ? 0 : 1;
}
