"""Renders device dictionaries over Lava's device-types/ with Jinja2 3.1 configured as LAVA's server configures it.

Run from this directory: python3 make-jinja2-device-renders.py (writes jinja2-device-renders.json).
"""
import json
import os

from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

here = os.path.dirname(os.path.abspath(__file__))
types = os.path.normpath(os.path.join(here, '..', '..', '..', '..', 'device-types'))
cases = []


def dev(name, text, ctx={}):
    """A device dictionary NAME.jinja2 rendered with the job context CTX."""
    cases.append(dict(name=name, templates={name + '.jinja2': text}, context=ctx))


dev('grub1', "{% extends 'base-grub.jinja2' %}\n{% set efi_grub = True %}{% set static_ip = '10.0.0.2' %}{% set static_gateway='10.0.0.1' %}{% set static_netmask='255.0.0.0' %}{% set static_dns='8.8.8.8' %}{% set efinet = True %}{% set has_dtb = True %}")
dev('grub2', "{% extends 'base-grub.jinja2' %}\n{% set efi_grub = True %}{% set pxe_net_configured = False %}{% set net_interface = 'eth1' %}", {'extra_kernel_args': 'quiet'})
dev('grub3', "{% extends 'base-grub.jinja2' %}\n{% set console_device = '' %}")
dev('barebox', "{% extends 'base-barebox.jinja2' %}\n{% set load_addr = '0x1000' %}{% set initrd_load_addr='0x2000' %}")
dev('depthcharge', "{% extends 'base-depthcharge.jinja2' %}\n{% set mkimage_fit_arch = 'arm' %}{% set flasher_deploy_commands = ['a', 'b'] %}{% set extra_kernel_args='x=1' %}")
dev('uboot1', "{% extends 'base-uboot.jinja2' %}\n{% set uboot_error_messages = ['a', 'b'] %}{% set uboot_extra_error_message = 'c' %}{% set console_device = 'ttyS1' %}{% set fastboot_deploy_uboot_commands = ['fastboot 0'] %}{% set uboot_set_mac = True %}{% set uboot_mac_addr = '00:11' %}{% set uboot_needs_usb = True %}{% set booti_kernel_addr = '0x1' %}{% set text_offset = '0x80000' %}{% set uboot_method_fit = True %}{% set bootm_device_tree_config = 1 %}{% set uboot_ums_flash = True %}{% set uboot_altbank = True %}")
dev('uboot2', "{% extends 'base-uboot.jinja2' %}\n{% set append_dtb = True %}{% set static_ip = '1.2.3.4' %}{% set static_gateway='1' %}{% set static_netmask='2' %}{% set static_dns='3' %}{% set device_ip='10.1.1.1' %}{% set device_mac='aa:bb' %}{% set interfaces=['eth0','eth1'] %}{% set sysfs={'eth0':'/sys/a','eth1':'/sys/b'} %}{% set mac_addr={'eth0':'m0','eth1':'m1'} %}{% set map={'eth0':{'sw1':5},'eth1':{'sw2':7}} %}{% set tags={'eth0':['10G','1G']} %}{% set sata_uuid='u1' %}{% set sd_uuid='u2' %}{% set sd_label='SD' %}{% set sd_device_id=0 %}{% set usb_uuid='u3' %}{% set usb_device_id=1 %}")
dev('conn', "{% extends 'lxc.jinja2' %}\n{% set connection_list = ['uart0', 'uart1'] %}{% set connection_commands = {'uart0': 'telnet a 1', 'uart1': 'telnet a 2'} %}{% set connection_tags = {'uart0': ['primary', 'telnet'], 'uart1': 'ssh'} %}{% set user_commands = {'on': {'do': 'x on', 'undo': 'x off'}, 'ping': {'do': 'ping'}} %}{% set must_use_connection = True %}{% set soft_reboot_command = 'reboot' %}{% set pre_power_command = 'p' %}{% set pre_os_command = 'o' %}{% set recovery_mode_command='r' %}{% set recovery_exit_command='e' %}{% set storage_info=[{'SATA': '/dev/x'}] %}{% set environment={'A': 'b', 'N': 1} %}{% set test_character_delay = 5 %}{% set fastboot_serial_number = 'f' %}")
dev('k64f2', "{% extends 'frdm-k64f.jinja2' %}\n{% block cmsis_dap_params %}\nfoo: 1\nbar:\n  - 2\n\nbaz: 3\n{% endblock %}", {})
dev('ssh2', "{% extends 'ssh.jinja2' %}\n{% block schroot %}{% endblock %}\n{% set schroot_name_list = ['x'] %}")
dev('ssh3', "{% extends 'ssh.jinja2' %}\n{% set ssh_host = 'h' %}")
dev('docker2', "{% extends 'docker.jinja2' %}\n{% set docker_capabilities = ['NET_ADMIN'] %}{% set docker_devices=['/dev/kvm'] %}{% set docker_networks=['n'] %}{% set docker_volumes=['/a:/b'] %}{% set docker_extra_arguments=['--x'] %}{% set docker_cpus = 1.5 %}{% set docker_privileged = True %}")
for arch in ['arm64','arm','amd64','x86_64','hppa','i386','mips','mipsel','mips64','nios2','ppc','ppc64','riscv64','sparc','sparc64','xtensa','m68k','s390x']:
    dev('qemu-'+arch, "{% extends 'qemu.jinja2' %}\n{% set vga = '-vga std' %}{% set serial = '-serial x' %}", {'arch': arch, 'extra_options': ['-smp 2']})
dev('hikey2', "{% extends 'hi6220-hikey.jinja2' %}", {'kernel': 'Image', 'devicetree': 'x.dtb', 'extra_kernel_args': 'quiet'})
dev('x86b', "{% extends 'x86.jinja2' %}", {'extra_kernel_args': 'a', 'boot_character_delay': 100})
dev('bbb2', "{% extends 'beaglebone-black.jinja2' %}\n{% set uboot_ipaddr_cmd = 'setenv ipaddr 1' %}", {'console_device': 'ttyS9', 'baud_rate': 9600, 'uboot_bootx_cmd': 'bootz x'})
out = []
for c in cases:
    env = SandboxedEnvironment(loader=ChoiceLoader([DictLoader(c['templates']), FileSystemLoader([types])]), trim_blocks=True, autoescape=False)
    try:
        c['expected'] = env.get_template(c['name'] + '.jinja2').render(**c['context'])
    except Exception as e:
        raise RuntimeError(c['name']) from e
    out.append(c)
with open(os.path.join(here, 'jinja2-device-renders.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print(len(out), 'renders')
