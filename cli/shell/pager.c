/* The `---(more)---` pager (pager.h). */
#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "pager.h"

#define PROMPT "---(more)---"

void sfw_pager_init(struct sfw_pager *pg, FILE *out, int key_fd)
{
	struct winsize ws = { 0 };

	pg->out = out;
	pg->key_fd = key_fd;
	pg->used = 0;
	pg->rows = pg->cols = 0;
	if (!ioctl(fileno(out), TIOCGWINSZ, &ws) && ws.ws_row > 1) {
		pg->rows = ws.ws_row;
		pg->cols = ws.ws_col ? ws.ws_col : 80;
	}
}

/* One key, the terminal in non-canonical mode without echo meanwhile
 * (signals still work: ^C reaches the command and ends the wait). */
static int read_key(int fd)
{
	struct termios saved, raw;
	unsigned char c;
	ssize_t r;

	if (tcgetattr(fd, &saved))
		return -1;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &raw);
	r = read(fd, &c, 1);
	tcsetattr(fd, TCSANOW, &saved);
	return r == 1 ? c : -1;
}

/* Rows of the page left after the key; -1: quit. */
static int ask(struct sfw_pager *pg)
{
	int page = pg->rows - 1, key;

	fputs(PROMPT, pg->out);
	fflush(pg->out);
	for (;;) {
		key = read_key(pg->key_fd);
		if (key == ' ')
			key = page;
		else if (key == '\r' || key == '\n')
			key = 1;
		else if (key < 0 || key == 'q' || key == 'Q')
			key = -1;
		else
			continue;      /* keys Junos's pager knows and this one not */
		break;
	}
	/* the prompt goes away, as on Junos */
	fprintf(pg->out, "\r%*s\r", (int)sizeof(PROMPT) - 1, "");
	return key;
}

bool sfw_pager_line(void *pager, const char *line, size_t len)
{
	struct sfw_pager *pg = pager;
	int need = 1, left;

	if (pg->rows) {
		if (len > (size_t)pg->cols)
			need = (int)((len + (size_t)pg->cols - 1) / (size_t)pg->cols);
		if (pg->used && pg->used + need > pg->rows - 1) {
			left = ask(pg);
			if (left < 0)
				return false;
			pg->used = pg->rows - 1 - left;
		}
		pg->used += need;
	}
	return sfw_plain_line(pg->out, line, len);
}

bool sfw_plain_line(void *out, const char *line, size_t len)
{
	fwrite(line, 1, len, out);
	fputc('\n', out);
	return true;
}
