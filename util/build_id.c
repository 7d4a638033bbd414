/* An executable's GNU build ID (util/build_id.h), from its PT_NOTE
 * segments: what the loader maps, so a stripped file keeps it. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build_id.h"

/* No note segment of an executable is this large: a bound on what a
 * damaged or hostile file makes us read. */
#define NOTES_MAX 65536

static size_t pad(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* The build ID among the notes of one segment (buf[0..len), notes padded
 * to align). */
static int find_in_notes(const unsigned char *buf, size_t len, size_t align,
			 unsigned char id[SFW_BUILD_ID_MAX])
{
	size_t at = 0;

	while (at <= len && len - at >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t name, desc;

		memcpy(&nh, buf + at, sizeof(nh));
		name = at + sizeof(nh);
		if (nh.n_namesz > len || nh.n_descsz > len)
			return -ENOEXEC;
		desc = pad(name + nh.n_namesz, align);
		if (desc > len || nh.n_descsz > len - desc)
			return -ENOEXEC;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(buf + name, "GNU", 4)) {
			if (!nh.n_descsz || nh.n_descsz > SFW_BUILD_ID_MAX)
				return -ENOEXEC;
			memcpy(id, buf + desc, nh.n_descsz);
			return (int)nh.n_descsz;
		}
		at = pad(desc + nh.n_descsz, align);   /* past len: the last note */
	}
	return -ENOENT;
}

/* The build ID from the note segment ph of the file open as fd. */
static int find_in_segment(int fd, const Elf64_Phdr *ph, unsigned char id[SFW_BUILD_ID_MAX])
{
	size_t align = ph->p_align == 8 ? 8 : 4;
	unsigned char *buf;
	int r;

	if (ph->p_filesz > NOTES_MAX)
		return -ENOEXEC;
	buf = malloc(ph->p_filesz ? ph->p_filesz : 1);
	if (!buf)
		return -ENOMEM;
	r = pread(fd, buf, ph->p_filesz, (off_t)ph->p_offset) == (ssize_t)ph->p_filesz
	    ? find_in_notes(buf, ph->p_filesz, align, id) : -ENOEXEC;
	free(buf);
	return r;
}

static int find_in_file(int fd, unsigned char id[SFW_BUILD_ID_MAX])
{
	Elf64_Ehdr eh;
	int r = -ENOENT;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256)
		return -ENOEXEC;
	for (int i = 0; i < eh.e_phnum && r == -ENOENT; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return -ENOEXEC;
		if (ph.p_type == PT_NOTE)
			r = find_in_segment(fd, &ph, id);
	}
	return r;
}

int sfw_build_id(const char *path, unsigned char id[SFW_BUILD_ID_MAX])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = find_in_file(fd, id);
	close(fd);
	return r;
}
